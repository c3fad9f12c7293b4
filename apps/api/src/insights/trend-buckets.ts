/**
 * Calendar arithmetic of GET /api/trends: local dates (`YYYY-MM-DD`) in an IANA time zone and the
 * buckets of a window. Keys follow the search histogram's: a week starts on Monday, a month on
 * its first day.
 */

export const TREND_INTERVALS = ['week', 'month'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

const DAY_MS = 86_400_000;

/** Whether the runtime knows this IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date of an instant in a time zone. */
export function localDate(zone: string, at: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

function day(key: string): Date {
  return new Date(`${key}T00:00:00.000Z`);
}

function addDays(key: string, days: number): string {
  return new Date(day(key).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first local date of the bucket holding a local date. */
export function bucketStart(date: string, interval: TrendInterval): string {
  if (interval === 'month') return `${date.slice(0, 7)}-01`;
  return addDays(date, -((day(date).getUTCDay() + 6) % 7));
}

function nextBucket(key: string, interval: TrendInterval): string {
  if (interval === 'week') return addDays(key, 7);
  const d = day(key);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The buckets of the last `weeks` weeks up to `today` (the current week and the `weeks - 1`
 * before it), ascending: one per week, or every month those weeks overlap.
 */
export function trendBuckets(today: string, interval: TrendInterval, weeks: number): string[] {
  const last = bucketStart(today, interval);
  const out: string[] = [];
  for (
    let key = bucketStart(addDays(today, -7 * (weeks - 1)), interval);
    key <= last;
    key = nextBucket(key, interval)
  ) {
    out.push(key);
  }
  return out;
}

/**
 * An instant no later than local midnight of `date` in any time zone (offsets reach +14:00):
 * the UTC midnight of the day before. A safe lower bound for a `published:` filter.
 */
export function instantBefore(date: string): string {
  return new Date(day(date).getTime() - DAY_MS).toISOString();
}
