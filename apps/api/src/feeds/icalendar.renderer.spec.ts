import type { Alert } from '@radar/core';
import { defaultTaxonomy } from '@radar/core';
import { alertCalendarEvents } from './feed-entries';
import { type CalendarEvent, escapeText, foldLine, renderCalendar } from './icalendar.renderer';

/** Undo folding (RFC 5545 §3.1): CRLF followed by one space or tab joins lines. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'a1-comment_deadline-2027-03-03@policy-radar',
  date: '2027-03-03',
  summary: 'Comment deadline: NRC proposes a rule',
  description: 'Sub-sectors: Nuclear Energy',
  url: 'https://agency.example.gov/news/1?x=1&y=2',
  categories: ['Nuclear Energy'],
  ...over,
});

const meta = { name: 'Deadlines', description: 'Dated events', now: new Date('2026-11-23T09:30:05.123Z') };

describe('escapeText', () => {
  it('escapes backslash, semicolon, comma and every kind of newline', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });

  it('drops control characters other than tab', () => {
    expect(escapeText('a\u0000b\u0007c\td\u007f')).toBe('abc\td');
  });
});

describe('foldLine', () => {
  const octets = (s: string) => Buffer.byteLength(s, 'utf8');

  it('leaves a line of 75 octets alone and folds one of 76', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('keeps every physical line within 75 octets, continuation space included, and unfolds losslessly', () => {
    const line = `SUMMARY:${'Comment deadline for the long rule title '.repeat(8)}`;
    const folded = foldLine(line);
    for (const physical of folded.split('\r\n')) expect(octets(physical)).toBeLessThanOrEqual(75);
    expect(
      folded
        .split('\r\n')
        .slice(1)
        .every((l) => l.startsWith(' ')),
    ).toBe(true);
    expect(unfold(folded)).toBe(line);
  });

  it('never splits a multi-byte UTF-8 character', () => {
    const line = `SUMMARY:${'é€😀'.repeat(40)}`;
    const folded = foldLine(line);
    for (const physical of folded.split('\r\n')) {
      expect(octets(physical)).toBeLessThanOrEqual(75);
      expect(physical).not.toContain('\ufffd');
      expect(Buffer.from(physical, 'utf8').toString('utf8')).toBe(physical);
    }
    expect(unfold(folded)).toBe(line);
  });
});

describe('renderCalendar', () => {
  it('writes a VCALENDAR with CRLF line endings only, ending in CRLF', () => {
    const ics = renderCalendar(meta, [event()]);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes an all-day VEVENT with UID, DTSTAMP, exclusive DTEND and escaped text', () => {
    const ics = unfold(
      renderCalendar(meta, [
        event({
          summary: 'Comment deadline: Rule; part 2, revised',
          description: 'Line one\nSub-sectors: Munitions, Missiles & Hypersonics',
          categories: ['Munitions, Missiles & Hypersonics', 'Nuclear Energy'],
        }),
      ]),
    );
    const lines = ics.split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'BEGIN:VEVENT',
        'UID:a1-comment_deadline-2027-03-03@policy-radar',
        'DTSTAMP:20261123T093005Z',
        'DTSTART;VALUE=DATE:20270303',
        'DTEND;VALUE=DATE:20270304',
        'SUMMARY:Comment deadline: Rule\\; part 2\\, revised',
        'DESCRIPTION:Line one\\nSub-sectors: Munitions\\, Missiles & Hypersonics',
        'URL:https://agency.example.gov/news/1?x=1&y=2',
        'CATEGORIES:Munitions\\, Missiles & Hypersonics,Nuclear Energy',
        'END:VEVENT',
      ]),
    );
  });

  it('rolls DTEND over month and year ends', () => {
    const ics = renderCalendar(meta, [event({ date: '2026-12-31' }), event({ uid: 'b', date: '2028-02-28' })]);
    expect(ics).toContain('DTEND;VALUE=DATE:20270101');
    expect(ics).toContain('DTEND;VALUE=DATE:20280229');
  });

  it('skips an event whose date is not a calendar date, and a URL with a line break', () => {
    const ics = renderCalendar(meta, [event({ date: '2027-3-3' }), event({ uid: 'ok', url: 'http://x/\r\nEVIL:1' })]);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(ics).not.toContain('EVIL');
  });
});

describe('alertCalendarEvents', () => {
  const alert: Alert = {
    id: 'a1',
    documentId: 'a1',
    documentVersion: 3,
    title: 'NRC proposes a rule',
    url: 'https://agency.example.gov/news/1',
    sourceIds: ['s'],
    docType: 'proposed_rule',
    subSectors: ['nuclear-energy'],
    focusAreas: [],
    advocacyGoals: [],
    policyEvents: [
      { kind: 'proposed_rule' },
      { kind: 'comment_deadline', date: '2027-03-03' },
      { kind: 'comment_deadline', date: '2027-03-03' },
      { kind: 'effective_date', date: '2026-01-01' },
    ],
    priority: 'high',
    reason: 'comment deadline',
    publishedAt: '2026-11-23T09:00:00.000Z',
    createdAt: '2026-11-23T09:00:01.000Z',
    updatedAt: '2026-11-24T09:00:01.000Z',
    state: 'new',
  };

  it('one event per dated (kind, date) from the given day on, with a stable UID', () => {
    const events = alertCalendarEvents(defaultTaxonomy(), alert, '2026-11-23');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      uid: 'a1-comment_deadline-2027-03-03@policy-radar',
      date: '2027-03-03',
      summary: 'Comment deadline: NRC proposes a rule',
      url: alert.url,
      sequence: 2,
    });
    expect(events[0].description).toContain('Sub-sectors: Nuclear');
    expect(alertCalendarEvents(defaultTaxonomy(), alert, '2026-11-23')[0].uid).toBe(events[0].uid);
    expect(alertCalendarEvents(defaultTaxonomy(), alert, '2025-01-01')).toHaveLength(2);
  });
});
