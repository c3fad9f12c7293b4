/**
 * Calendar arithmetic for date histograms, shared by the adapters: local dates in an IANA time
 * zone, bucket starts (weeks start on Monday, as in Elasticsearch's calendar week) and gap
 * filling. Keys are local calendar dates, `YYYY-MM-DD`.
 */
import {
  InvalidSearchRequestError,
  type HistogramBucket,
  type HistogramInterval,
  type HistogramRequest,
} from './search-index.port';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone name to use: `UTC` by default; an unknown zone is an `InvalidSearchRequestError`. */
export function histogramTimeZone(req: HistogramRequest): string {
  const zone = req.timeZone ?? 'UTC';
  formatter(zone);
  return zone;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new InvalidSearchRequestError(`Unknown time zone: ${JSON.stringify(zone)}`);
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Whether the zone is UTC at every instant (then SQL can bucket by the stored UTC date). */
export function isUtc(zone: string): boolean {
  return ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Z', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu'].includes(zone);
}

/** The zone's offset from UTC at an instant, in minutes (east positive). */
export function offsetMinutes(zone: string, ms: number): number {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? '0');
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The local calendar date of an instant in a zone. */
export function localDate(zone: string, ms: number): string {
  const local = isUtc(zone) ? ms : ms + offsetMinutes(zone, ms) * 60_000;
  return new Date(local).toISOString().slice(0, 10);
}

function parseDay(key: string): Date {
  return new Date(`${key}T00:00:00.000Z`);
}

/** The first local date of the bucket that holds a local date. */
export function bucketKey(day: string, interval: HistogramInterval): string {
  switch (interval) {
    case 'day':
      return day;
    case 'month':
      return `${day.slice(0, 7)}-01`;
    case 'week': {
      const d = parseDay(day);
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      d.setUTCDate(d.getUTCDate() - sinceMonday);
      return d.toISOString().slice(0, 10);
    }
  }
}

export function nextBucketKey(key: string, interval: HistogramInterval): string {
  const d = parseDay(key);
  if (interval === 'day') d.setUTCDate(d.getUTCDate() + 1);
  else if (interval === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Ascending buckets from the first to the last key, with zero-count buckets for the gaps. */
export function fillBuckets(counts: ReadonlyMap<string, number>, interval: HistogramInterval): HistogramBucket[] {
  const keys = [...counts.keys()].sort();
  if (keys.length === 0) return [];
  const out: HistogramBucket[] = [];
  const last = keys[keys.length - 1];
  for (let key = keys[0]; key <= last; key = nextBucketKey(key, interval)) {
    out.push({ key, count: counts.get(key) ?? 0 });
  }
  return out;
}

/**
 * Buckets from counts of UTC instants grouped by a UTC slot (`slotStartMs`, e.g. one row per
 * 15 minutes): each slot is placed by its start's local date. Zone offsets are multiples of
 * 15 minutes and change on such boundaries, so a 15-minute slot never straddles two local days.
 */
export function bucketsFromSlots(
  slots: Iterable<{ slotStartMs: number; count: number }>,
  interval: HistogramInterval,
  zone: string,
): HistogramBucket[] {
  const counts = new Map<string, number>();
  const offsetByHour = new Map<number, number | null>();
  for (const { slotStartMs, count } of slots) {
    let local: string;
    if (isUtc(zone)) {
      local = new Date(slotStartMs).toISOString().slice(0, 10);
    } else {
      // One offset per UTC hour when it does not change within the hour (nearly always).
      const hour = Math.floor(slotStartMs / 3_600_000) * 3_600_000;
      let offset = offsetByHour.get(hour);
      if (offset === undefined) {
        const a = offsetMinutes(zone, hour);
        offset = a === offsetMinutes(zone, hour + 45 * 60_000) ? a : null;
        offsetByHour.set(hour, offset);
      }
      const minutes = offset ?? offsetMinutes(zone, slotStartMs);
      local = new Date(slotStartMs + minutes * 60_000).toISOString().slice(0, 10);
    }
    const key = bucketKey(local, interval);
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return fillBuckets(counts, interval);
}
