import type { MinimalJob } from 'bullmq';
import { JOBS, JobName, OUTAGE_WINDOW_MS } from './jobs';
import { PATIENT_BACKOFF, patientDelay, patientRetries, radarBackoffStrategy, RETRY_MAX_DELAY_MS } from './retry';

describe('patient back-off', () => {
  it('doubles from the first delay, then keeps RETRY_MAX_DELAY_MS between attempts', () => {
    expect([1, 2, 3, 4, 5].map((n) => patientDelay(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(patientDelay(6, 10_000)).toBe(RETRY_MAX_DELAY_MS);
    expect(patientDelay(500, 10_000)).toBe(RETRY_MAX_DELAY_MS);
  });

  it('sizes attempts so that even the shortest (fully jittered) waits cover the window', () => {
    const { attempts, backoff } = patientRetries(10_000, OUTAGE_WINDOW_MS);
    expect(backoff).toEqual({ type: PATIENT_BACKOFF, delay: 10_000 });
    let shortest = 0;
    for (let made = 1; made < attempts; made++) shortest += patientDelay(made, 10_000) * 0.8;
    expect(shortest).toBeGreaterThanOrEqual(OUTAGE_WINDOW_MS);
    // ...and not much more: one attempt fewer would not.
    expect(shortest - patientDelay(attempts - 1, 10_000) * 0.8).toBeLessThan(OUTAGE_WINDOW_MS);
  });

  it('is what every job that writes to the index or sends mail uses', () => {
    for (const name of [
      JobName.IngestItem,
      JobName.IngestBatch,
      JobName.MatchDocument,
      JobName.SendEmail,
      JobName.FlushBatch,
      JobName.Digest,
    ]) {
      expect(JOBS[name].options.backoff).toMatchObject({ type: PATIENT_BACKOFF });
      expect(JOBS[name].options.attempts).toBeGreaterThan(100);
    }
  });

  it('BullMQ strategy: the schedule with up to 20% taken off; other types are refused', () => {
    const job = { opts: { backoff: { type: PATIENT_BACKOFF, delay: 2000 } } } as unknown as MinimalJob;
    for (let i = 0; i < 200; i++) {
      const made = 1 + (i % 12);
      const wait = radarBackoffStrategy(made, PATIENT_BACKOFF, undefined, job);
      expect(wait).toBeLessThanOrEqual(patientDelay(made, 2000));
      expect(wait).toBeGreaterThanOrEqual(Math.floor(patientDelay(made, 2000) * 0.8));
    }
    expect(() => radarBackoffStrategy(1, 'linear', undefined, job)).toThrow(/Unknown back-off type "linear"/);
  });
});
