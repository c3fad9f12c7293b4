/**
 * Digest periods in a subscriber's time zone (pure; Intl only). A daily digest for local date D
 * goes out at DIGEST_HOUR on D and covers the 24 local hours before; a weekly one goes out on
 * DIGEST_WEEKDAY of ISO week W at DIGEST_HOUR and covers the 7 local days before.
 */

export interface DigestPeriod {
  /** Local date `2026-11-24` (daily) or ISO week `2026-W48` (weekly). */
  key: string;
  /** ISO instants: the period covers alerts created in [since, until); `until` is the send time. */
  since: string;
  until: string;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. Throws RangeError on an unknown zone. */
export function localParts(zone: string, ms: number): LocalParts {
  const parts = formatter(zone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The instant a local wall-clock time names (a time in a DST gap lands just beside it). */
export function zonedTime(zone: string, year: number, month: number, day: number, hour: number): number {
  const wall = Date.UTC(year, month - 1, day, hour);
  const offsetAt = (ms: number): number => {
    const p = localParts(zone, ms);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  return wall - offsetAt(wall - offsetAt(wall));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** ISO weekday (1 = Monday) and ISO week (`2026-W48`) of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { weekday: number; key: string } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  const thursday = new Date(date);
  thursday.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / 86400000 + 1) / 7);
  return { weekday, key: `${weekYear}-W${pad(week)}` };
}

/** Calendar arithmetic on a local date (no zone involved). */
function addDays(year: number, month: number, day: number, days: number): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/**
 * The latest period whose send time has passed at `nowMs`, or null when this period's send time
 * has not come yet (daily: before the hour today; weekly: before the weekday and hour this ISO week).
 */
export function duePeriod(
  frequency: 'daily' | 'weekly',
  zone: string,
  nowMs: number,
  hour: number,
  weekday: number,
): DigestPeriod | null {
  const now = localParts(zone, nowMs);
  if (frequency === 'daily') {
    if (now.hour < hour) return null;
    const until = zonedTime(zone, now.year, now.month, now.day, hour);
    const since = zonedTime(zone, ...addDays(now.year, now.month, now.day, -1), hour);
    return {
      key: `${now.year}-${pad(now.month)}-${pad(now.day)}`,
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
    };
  }
  const week = isoWeek(now.year, now.month, now.day);
  if (week.weekday < weekday || (week.weekday === weekday && now.hour < hour)) return null;
  const sendDay = addDays(now.year, now.month, now.day, weekday - week.weekday);
  const until = zonedTime(zone, ...sendDay, hour);
  const since = zonedTime(zone, ...addDays(...sendDay, -7), hour);
  return { key: week.key, since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}
