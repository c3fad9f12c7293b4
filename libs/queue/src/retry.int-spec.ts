import { createTestEnv, pollUntil, TestEnv } from '@radar/testing';
import { Job, Queue, Worker, type WorkerOptions } from 'bullmq';
import { JobName, QueueName } from './jobs';
import { redisOptionsFromUrl } from './redis-connection';
import { patientRetries, RadarWorker } from './retry';

/** A class decorated as the app processors are: its worker options are what Nest gives BullMQ. */
@RadarWorker(QueueName.Email, { concurrency: 3 })
class Decorated {}

describe('patient retries (real BullMQ on real Redis)', () => {
  let env: TestEnv;
  let queue: Queue;
  let worker: Worker | undefined;

  beforeAll(async () => {
    env = createTestEnv();
    queue = new Queue(QueueName.Email, {
      connection: redisOptionsFromUrl(env.config.redisUrl),
      prefix: env.config.queuePrefix,
    });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await env?.cleanup();
  });

  it('a job keeps retrying through an outage longer than exponential back-off would have lasted, then completes once', async () => {
    const options = Reflect.getMetadata('bullmq:worker_metadata', Decorated) as WorkerOptions;
    expect(options.concurrency).toBe(3);
    // The "SMTP server" is down for the first 12 attempts (the old email policy gave up after 8).
    const runs: number[] = [];
    worker = new Worker(
      QueueName.Email,
      async (job: Job) => {
        runs.push(Date.now());
        if (runs.length <= 12) throw new Error(`connect ECONNREFUSED (attempt ${job.attemptsMade + 1})`);
        return 'sent';
      },
      { ...options, connection: redisOptionsFromUrl(env.config.redisUrl), prefix: env.config.queuePrefix },
    );
    await worker.waitUntilReady();
    // Millisecond delays so the test is quick: 1, 2, 4 ... 2048 ms (about 4 s in all) before attempt 13.
    const job = await queue.add(
      JobName.SendEmail,
      { deliveryId: 'd1' },
      { ...patientRetries(1, 5000), jobId: 'email.d1' },
    );
    expect(job.opts.attempts).toBeGreaterThan(12);
    const state = await pollUntil(
      () => queue.getJobState(job.id!),
      (s) => s === 'completed' || s === 'failed',
      { what: 'the job to finish', timeoutMs: 30000, intervalMs: 20 },
    );
    expect(state).toBe('completed');
    const done = (await queue.getJob(job.id!))!;
    expect(done.returnvalue).toBe('sent');
    expect(done.attemptsMade).toBe(13);
    expect(runs).toHaveLength(13);
    // Waits grow: the last gap is longer than the first.
    expect(runs[12] - runs[11]).toBeGreaterThan(runs[1] - runs[0]);
  });
});
