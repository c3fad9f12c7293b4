import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { JOBS, JobName, JobPayloads, QueueName } from './jobs';

/** The producer side of every queue: typed payloads, deterministic ids, options from JOBS. */
@Injectable()
export class JobQueue {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Crawl) crawl: Queue,
    @InjectQueue(QueueName.Ingest) ingest: Queue,
    @InjectQueue(QueueName.Match) match: Queue,
    @InjectQueue(QueueName.Email) email: Queue,
    @InjectQueue(QueueName.Webhook) webhook: Queue,
  ) {
    this.queues = {
      [QueueName.Crawl]: crawl,
      [QueueName.Ingest]: ingest,
      [QueueName.Match]: match,
      [QueueName.Email]: email,
      [QueueName.Webhook]: webhook,
    };
  }

  /** Adds the job unless one with the same id is already known; returns the job id. */
  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<string> {
    const def = JOBS[name];
    const jobId = def.jobId(payload);
    await this.queues[def.queue].add(name, payload, { ...def.options, jobId });
    return jobId;
  }

  async enqueueMany<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<string[]> {
    if (payloads.length === 0) return [];
    const def = JOBS[name];
    const jobs = payloads.map((data) => ({ name, data, opts: { ...def.options, jobId: def.jobId(data) } }));
    await this.queues[def.queue].addBulk(jobs);
    return jobs.map((j) => j.opts.jobId);
  }

  /** Waiting, active and delayed jobs per queue (for health and metrics). */
  async depths(): Promise<Record<QueueName, number>> {
    const entries = await Promise.all(
      Object.entries(this.queues).map(async ([name, q]) => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return [name, Object.values(counts).reduce((a, b) => a + b, 0)] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, number>;
  }

  /** Per queue: jobs by state and the age of the oldest waiting job (for metrics). */
  async stats(): Promise<{ queue: QueueName; counts: Record<string, number>; oldestWaitingAgeSeconds: number }[]> {
    const now = Date.now();
    return Promise.all(
      (Object.entries(this.queues) as [QueueName, Queue][]).map(async ([queue, q]) => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
        const [oldest] = await q.getJobs(['waiting', 'prioritized'], 0, 0, true);
        return { queue, counts, oldestWaitingAgeSeconds: oldest ? (now - oldest.timestamp) / 1000 : 0 };
      }),
    );
  }

  /** Round trip to Redis; throws when it does not answer within the timeout. */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.queues[QueueName.Crawl].getJobCounts('waiting'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
