import { bucketStart, instantBefore, isTimeZone, localDate, trendBuckets } from './trend-buckets';

describe('trend buckets', () => {
  it('starts weeks on Monday and months on the 1st', () => {
    expect(bucketStart('2026-11-25', 'week')).toBe('2026-11-23');
    expect(bucketStart('2026-11-23', 'week')).toBe('2026-11-23');
    expect(bucketStart('2026-11-22', 'week')).toBe('2026-11-16');
    expect(bucketStart('2026-11-25', 'month')).toBe('2026-11-01');
  });

  it('covers the current week and the weeks - 1 before it', () => {
    expect(trendBuckets('2026-11-25', 'week', 3)).toEqual(['2026-11-09', '2026-11-16', '2026-11-23']);
    expect(trendBuckets('2026-11-25', 'week', 12)).toHaveLength(12);
    expect(trendBuckets('2026-11-25', 'month', 12)).toEqual(['2026-09-01', '2026-10-01', '2026-11-01']);
    expect(trendBuckets('2027-01-04', 'week', 2)).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('reads the local date in a time zone', () => {
    const at = new Date('2026-11-23T03:00:00Z');
    expect(localDate('UTC', at)).toBe('2026-11-23');
    expect(localDate('America/New_York', at)).toBe('2026-11-22');
    expect(localDate('Pacific/Kiritimati', new Date('2026-11-22T11:00:00Z'))).toBe('2026-11-23');
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('bounds the window below local midnight in every zone', () => {
    expect(instantBefore('2026-11-23')).toBe('2026-11-22T00:00:00.000Z');
  });
});
