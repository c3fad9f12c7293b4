/**
 * A minimal RFC 5545 writer for a subscribable calendar of all-day events: CRLF line endings,
 * lines folded at 75 octets (never inside a UTF-8 character), TEXT values escaped.
 */

export interface CalendarEvent {
  /** Globally unique and stable across fetches, so calendar apps update instead of duplicating. */
  uid: string;
  /** YYYY-MM-DD; the event covers that whole day. */
  date: string;
  summary: string;
  description: string;
  url?: string;
  categories?: string[];
  /** When the underlying record last changed. */
  lastModified?: Date;
  /** Grows when the event's source changes (RFC 5545 SEQUENCE). */
  sequence?: number;
}

export interface CalendarMeta {
  name: string;
  description: string;
  /** When this calendar object was produced (DTSTAMP). */
  now: Date;
}

export const ICAL_CONTENT_TYPE = 'text/calendar; charset=utf-8';

const MAX_OCTETS = 75;

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newlines; other controls dropped. */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  );
}

/**
 * Folds one content line (§3.1): at most 75 octets per physical line, continuation lines start
 * with one space (which counts). Splits only between UTF-8 characters. Joined with CRLF.
 */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > MAX_OCTETS) {
      out.push(current);
      current = ' ';
      octets = 1;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n');
}

/** 20270303 from 2027-03-03. */
function basicDate(iso: string): string {
  return iso.replace(/-/g, '');
}

/** UTC date-time in basic format: 20261123T090000Z. */
export function utcDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The day after an ISO date (DTEND of an all-day event is exclusive). */
function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function renderCalendar(meta: CalendarMeta, events: readonly CalendarEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Policy Radar//Policy deadlines//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(meta.name)}`,
    `X-WR-CALNAME:${escapeText(meta.name)}`,
    `DESCRIPTION:${escapeText(meta.description)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  const stamp = utcDateTime(meta.now);
  for (const e of events) {
    if (!ISO_DATE.test(e.date)) continue;
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${basicDate(e.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(e.date))}`,
      `SUMMARY:${escapeText(e.summary)}`,
      `DESCRIPTION:${escapeText(e.description)}`,
    );
    // URI values are not TEXT-escaped; a URL with a line break or control character is dropped.
    // eslint-disable-next-line no-control-regex
    if (e.url && !/[\u0000-\u001f\u007f]/.test(e.url)) lines.push(`URL:${e.url}`);
    if (e.categories && e.categories.length > 0) {
      lines.push(`CATEGORIES:${e.categories.map(escapeText).join(',')}`);
    }
    if (e.lastModified) lines.push(`LAST-MODIFIED:${utcDateTime(e.lastModified)}`);
    if (e.sequence !== undefined) lines.push(`SEQUENCE:${e.sequence}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
