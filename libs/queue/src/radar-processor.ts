import { WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JOBS, JobName, JobPayloads, JobsOf, jobsOfQueue, PermanentJobError, QueueName } from './jobs';

export type JobHandlers<Q extends QueueName> = {
  [N in JobsOf<Q>]: (payload: JobPayloads[N], job: Job) => Promise<unknown>;
};

/**
 * Base of every queue consumer: one per queue, one handler per job name (checked at compile time
 * and again at boot), payload validated before the handler runs. Handlers stay thin: they call
 * one service method and return its outcome.
 */
export abstract class RadarProcessor<Q extends QueueName> extends WorkerHost implements OnModuleInit {
  protected abstract readonly queueName: Q;
  protected abstract readonly handlers: JobHandlers<Q>;
  protected readonly logger = new Logger(this.constructor.name);

  onModuleInit(): void {
    const expected = jobsOfQueue(this.queueName).sort();
    const handled = Object.keys(this.handlers).sort();
    if (expected.join() !== handled.join()) {
      throw new Error(
        `${this.constructor.name} handles [${handled.join(', ')}] but queue ${this.queueName} carries [${expected.join(', ')}]`,
      );
    }
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name as JobName;
    const handler = (this.handlers as Record<string, ((p: unknown, j: Job) => Promise<unknown>) | undefined>)[name];
    if (!handler || JOBS[name]?.queue !== this.queueName) {
      throw new PermanentJobError(`queue ${this.queueName} has no handler for job "${job.name}"`);
    }
    const parsed = JOBS[name].schema.safeParse(job.data);
    if (!parsed.success) {
      throw new PermanentJobError(
        `job ${job.id} (${name}) has a malformed payload: ${parsed.error.issues[0]?.message}`,
      );
    }
    return handler(parsed.data, job);
  }
}
