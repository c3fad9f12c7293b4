import { Processor } from '@nestjs/bullmq';
import type { MinimalJob } from 'bullmq';
import type { QueueName } from './jobs';

/**
 * Retries that outlast an outage of what a job writes to (the SMTP server, the search index).
 * BullMQ's `exponential` back-off doubles without bound, so covering a day with it would leave
 * hours between the last attempts: mail would sit for hours after the server came back. The
 * `patient` back-off doubles from the job's first delay up to RETRY_MAX_DELAY_MS and then keeps
 * that spacing, for as many attempts as the job's window needs (`patientRetries`).
 */
export const PATIENT_BACKOFF = 'patient';
/** Longest wait between two attempts of a `patient` job. */
export const RETRY_MAX_DELAY_MS = 5 * 60_000;
/** Up to this fraction is taken off each wait at random, so a queue of jobs does not retry in step. */
const JITTER = 0.2;

/** The wait before attempt `attemptsMade + 1` (without jitter). */
export function patientDelay(attemptsMade: number, firstDelayMs: number): number {
  return Math.min(RETRY_MAX_DELAY_MS, firstDelayMs * 2 ** Math.max(0, Math.min(attemptsMade - 1, 30)));
}

/** Job options retrying with `patient` back-off for at least `windowMs` after the first failure. */
export function patientRetries(
  firstDelayMs: number,
  windowMs: number,
): {
  attempts: number;
  backoff: { type: string; delay: number };
} {
  let waited = 0;
  let attempts = 1;
  while (waited * (1 - JITTER) < windowMs) waited += patientDelay(attempts++, firstDelayMs);
  return { attempts, backoff: { type: PATIENT_BACKOFF, delay: firstDelayMs } };
}

/** BullMQ's hook for back-off types other than `fixed` and `exponential`. */
export function radarBackoffStrategy(attemptsMade: number, type?: string, _err?: Error, job?: MinimalJob): number {
  if (type !== PATIENT_BACKOFF) throw new Error(`Unknown back-off type "${String(type)}"`);
  const backoff = job?.opts.backoff;
  const first = typeof backoff === 'object' && typeof backoff.delay === 'number' ? backoff.delay : 1000;
  return Math.round(patientDelay(attemptsMade, first) * (1 - Math.random() * JITTER));
}

/**
 * `@Processor` for Radar's queues: every worker knows the `patient` back-off (a worker without it
 * would fail such a job at its first retry).
 */
export function RadarWorker(queue: QueueName, options: { concurrency: number }): ClassDecorator {
  return Processor(queue, { ...options, settings: { backoffStrategy: radarBackoffStrategy } });
}
