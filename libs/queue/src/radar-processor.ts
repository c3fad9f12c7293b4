import { WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { JOBS, JobName, JobPayloads, JobsOf, jobsOfQueue, PermanentJobError, QueueName } from './jobs';

export type JobHandlers<Q extends QueueName> = {
  [N in JobsOf<Q>]: (payload: JobPayloads[N], job: Job) => Promise<unknown>;
};

/**
 * Thrown by a handler whose work cannot run yet but will be able to later (a host that asks us
 * to wait, a lease held elsewhere). The base processor moves the job to `delayed` until
 * `notBefore` (ms since epoch) instead of failing it: no attempt is consumed and the worker
 * never sleeps.
 */
export class RescheduleJobError extends Error {
  constructor(
    readonly notBefore: number,
    readonly reason: string,
  ) {
    super(`not before ${new Date(notBefore).toISOString()}: ${reason}`);
    this.name = 'RescheduleJobError';
  }
}

/**
 * A job rescheduled this many times without running is treated as an ordinary failure (it then
 * consumes attempts), so a job can never be postponed forever.
 */
export const MAX_RESCHEDULES = 1000;

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

  async process(job: Job, token?: string): Promise<unknown> {
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
    try {
      return await handler(parsed.data, job);
    } catch (error) {
      if (!(error instanceof RescheduleJobError) || token === undefined) throw error;
      const reschedules = (job.attemptsStarted ?? 0) - (job.attemptsMade ?? 0);
      if (reschedules > MAX_RESCHEDULES) {
        this.logger.warn(
          `queue=${this.queueName} job=${job.id} name=${name} rescheduled ${reschedules} times; failing this attempt: ${error.message}`,
        );
        throw new Error(`job ${job.id} (${name}) could not run after ${reschedules} reschedules: ${error.reason}`);
      }
      await job.moveToDelayed(error.notBefore, token);
      this.logger.debug(
        `queue=${this.queueName} job=${job.id} name=${name} delayed until ${new Date(error.notBefore).toISOString()}: ${error.reason}`,
      );
      throw new DelayedError(`job ${job.id} delayed: ${error.reason}`);
    }
  }
}
