import { createTestEnv, pollUntil, TestEnv } from '@radar/testing';
import { Job, Queue, Worker } from 'bullmq';
import { JOBS, JobName, jobsOfQueue, QueueName } from './jobs';
import { JobHandlers, RadarProcessor, RescheduleJobError } from './radar-processor';
import { redisOptionsFromUrl } from './redis-connection';

/** A crawl consumer whose handler asks, on its first run, to come back in two seconds. */
class ReschedulingProcessor extends RadarProcessor<QueueName.Crawl> {
  protected readonly queueName = QueueName.Crawl;
  readonly runs: number[] = [];
  notBefore = 0;
  private readonly handle = async (payload: { sourceId?: string }) => {
    this.runs.push(Date.now());
    if (this.runs.length === 1) {
      this.notBefore = Date.now() + 2000;
      throw new RescheduleJobError(this.notBefore, `host of ${payload.sourceId} is busy`);
    }
    return { status: 'done', sourceId: payload.sourceId };
  };
  // The same handler for every job the crawl queue carries (the test only enqueues crawl-source).
  protected readonly handlers = Object.fromEntries(
    jobsOfQueue(QueueName.Crawl).map((name) => [name, this.handle]),
  ) as unknown as JobHandlers<QueueName.Crawl>;
}

describe('RadarProcessor reschedule (real BullMQ on real Redis)', () => {
  let env: TestEnv;
  let queue: Queue;
  let worker: Worker;
  const processor = new ReschedulingProcessor();

  beforeAll(async () => {
    env = createTestEnv();
    const connection = redisOptionsFromUrl(env.config.redisUrl);
    const prefix = env.config.queuePrefix;
    queue = new Queue(QueueName.Crawl, { connection, prefix });
    worker = new Worker(QueueName.Crawl, (job: Job, token?: string) => processor.process(job, token), {
      connection,
      prefix,
      concurrency: 2,
    });
    await worker.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await env?.cleanup();
  });

  it('delays a job whose handler throws RescheduleJobError, without using an attempt, then completes it', async () => {
    const payload = { sourceId: 'federal-register-a', slot: 1 };
    const job = await queue.add(JobName.CrawlSource, payload, {
      ...JOBS[JobName.CrawlSource].options,
      attempts: 1, // a consumed attempt would fail the job for good
      jobId: JOBS[JobName.CrawlSource].jobId(payload),
    });
    const delayed = await pollUntil(
      () => queue.getJobState(job.id!),
      (state) => state === 'delayed',
      { what: 'the job to be delayed', timeoutMs: 10000, intervalMs: 20 },
    );
    expect(delayed).toBe('delayed');
    const state = await pollUntil(
      () => queue.getJobState(job.id!),
      (s) => s === 'completed' || s === 'failed',
      { what: 'the job to finish', timeoutMs: 20000 },
    );
    expect(state).toBe('completed');
    const done = (await queue.getJob(job.id!))!;
    expect(done.returnvalue).toEqual({ status: 'done', sourceId: 'federal-register-a' });
    expect(done.attemptsMade).toBe(1); // only the run that completed counts
    expect(done.failedReason).toBeFalsy();
    expect(processor.runs).toHaveLength(2);
    expect(processor.runs[1]!).toBeGreaterThanOrEqual(processor.notBefore);
  });

  it('rethrows RescheduleJobError when called without a BullMQ token (handler driven directly)', async () => {
    processor.runs.length = 0; // the next run is a first run: it asks to be rescheduled
    const fake = { name: JobName.CrawlSource, id: 'direct', data: { sourceId: 'x', slot: 2 } } as unknown as Job;
    await expect(processor.process(fake)).rejects.toThrow(RescheduleJobError);
  });
});
