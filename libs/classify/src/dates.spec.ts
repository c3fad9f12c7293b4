import { dateAfter, findDates } from './dates';

describe('findDates', () => {
  it('reads the common US and ISO forms', () => {
    const text = 'On March 3, 2026 and Mar. 4 2026, then 5 April 2026, 2026-05-06 and 7/8/2026; Sept. 30, 2025.';
    expect(findDates(text).map((d) => d.iso)).toEqual([
      '2026-03-03',
      '2026-03-04',
      '2026-04-05',
      '2026-05-06',
      '2026-07-08',
      '2025-09-30',
    ]);
  });

  it('ignores impossible dates', () => {
    expect(findDates('February 30, 2026 and 13/45/2026')).toEqual([]);
  });
});

describe('dateAfter', () => {
  it('finds the first date after an offset within a window', () => {
    const text = 'Comments must be received by March 3, 2026. The rule takes effect June 1, 2026.';
    expect(dateAfter(text, 0)).toBe('2026-03-03');
    expect(dateAfter(text, text.indexOf('takes'))).toBe('2026-06-01');
    expect(dateAfter(text, 0, 10)).toBeUndefined();
  });

  it('does not cross a paragraph break', () => {
    expect(dateAfter('comments due\n\nJanuary 5, 2026', 0)).toBeUndefined();
  });
});
