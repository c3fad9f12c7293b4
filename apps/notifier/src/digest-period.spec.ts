import { duePeriod, isoWeek, zonedTime } from './digest-period';

const at = (iso: string): number => Date.parse(iso);

describe('digest periods', () => {
  it('turns a local wall-clock hour into the instant, across DST', () => {
    expect(new Date(zonedTime('America/New_York', 2026, 11, 24, 7)).toISOString()).toBe('2026-11-24T12:00:00.000Z');
    expect(new Date(zonedTime('America/New_York', 2026, 7, 1, 7)).toISOString()).toBe('2026-07-01T11:00:00.000Z');
    expect(new Date(zonedTime('Asia/Kolkata', 2026, 11, 24, 7)).toISOString()).toBe('2026-11-24T01:30:00.000Z');
    expect(new Date(zonedTime('UTC', 2026, 1, 1, 0)).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('names ISO weeks and weekdays', () => {
    expect(isoWeek(2026, 11, 23)).toEqual({ weekday: 1, key: '2026-W48' });
    expect(isoWeek(2027, 1, 1)).toEqual({ weekday: 5, key: '2026-W53' });
    expect(isoWeek(2026, 1, 1)).toEqual({ weekday: 4, key: '2026-W01' });
  });

  it('a daily digest is due from its local hour, covering the 24 local hours before', () => {
    expect(duePeriod('daily', 'America/New_York', at('2026-11-24T11:59:00Z'), 7, 1)).toBeNull();
    expect(duePeriod('daily', 'America/New_York', at('2026-11-24T12:00:00Z'), 7, 1)).toEqual({
      key: '2026-11-24',
      since: '2026-11-23T12:00:00.000Z',
      until: '2026-11-24T12:00:00.000Z',
    });
    // Late in the local evening it is still the same period, even though UTC has moved on a day.
    expect(duePeriod('daily', 'America/New_York', at('2026-11-25T04:30:00Z'), 7, 1)?.key).toBe('2026-11-24');
    // Ahead of UTC: 07:30 in Tokyo on the 24th is the 23rd in UTC.
    expect(duePeriod('daily', 'Asia/Tokyo', at('2026-11-23T22:30:00Z'), 7, 1)?.key).toBe('2026-11-24');
  });

  it('the day clocks spring forward has a 23-hour period', () => {
    expect(duePeriod('daily', 'America/New_York', at('2026-03-08T11:00:00Z'), 7, 1)).toEqual({
      key: '2026-03-08',
      since: '2026-03-07T12:00:00.000Z',
      until: '2026-03-08T11:00:00.000Z',
    });
  });

  it('a weekly digest is due from its weekday and hour, covering the 7 local days before', () => {
    expect(duePeriod('weekly', 'Europe/Paris', at('2026-11-23T05:59:00Z'), 7, 1)).toBeNull(); // Monday 06:59
    const monday = duePeriod('weekly', 'Europe/Paris', at('2026-11-23T06:00:00Z'), 7, 1);
    expect(monday).toEqual({ key: '2026-W48', since: '2026-11-16T06:00:00.000Z', until: '2026-11-23T06:00:00.000Z' });
    // Later that week: the same period (the job id makes it one digest).
    expect(duePeriod('weekly', 'Europe/Paris', at('2026-11-27T18:00:00Z'), 7, 1)).toEqual(monday);
    // A Friday digest is not due on Thursday.
    expect(duePeriod('weekly', 'Europe/Paris', at('2026-11-26T18:00:00Z'), 7, 5)).toBeNull();
  });

  it('refuses an unknown time zone', () => {
    expect(() => duePeriod('daily', 'Mars/Olympus', Date.now(), 7, 1)).toThrow(RangeError);
  });
});
