import { Queue } from 'bullmq';
import { QueueName, redisOptionsFromUrl } from '@radar/queue';

export type QueueCounts = Record<QueueName, Record<string, number>>;

/** Reads the run's BullMQ queues from the test process (job counts per state). */
export class QueueWatch {
  private readonly queues: Queue[];

  constructor(redisUrl: string, prefix: string) {
    const connection = { ...redisOptionsFromUrl(redisUrl), maxRetriesPerRequest: 1 };
    this.queues = Object.values(QueueName).map((name) => new Queue(name, { connection, prefix }));
    for (const q of this.queues) q.on('error', () => undefined);
  }

  async counts(): Promise<QueueCounts> {
    const entries = await Promise.all(
      this.queues.map(
        async (q) =>
          [q.name, await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed')] as const,
      ),
    );
    return Object.fromEntries(entries) as QueueCounts;
  }

  /** True when no queue has a job waiting, active or delayed. */
  async drained(): Promise<boolean> {
    const counts = await this.counts();
    return Object.values(counts).every((c) => c.waiting + c.active + c.delayed + c.prioritized === 0);
  }

  /** Failed jobs per queue, with their reasons (a failed job is work given up). */
  async failed(): Promise<{ queue: string; id: string; reason: string }[]> {
    const out: { queue: string; id: string; reason: string }[] = [];
    for (const q of this.queues) {
      for (const job of await q.getFailed(0, 100))
        out.push({ queue: q.name, id: String(job.id), reason: job.failedReason });
    }
    return out;
  }

  /** Ids of the jobs now active on a queue. */
  async active(queue: QueueName): Promise<string[]> {
    const q = this.queues.find((x) => x.name === queue)!;
    return (await q.getActive(0, 1000)).map((j) => String(j.id));
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }
}
