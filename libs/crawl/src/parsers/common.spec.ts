import fc from 'fast-check';
import { collapse } from './common';

describe('collapse', () => {
  it('turns every whitespace run into one space and trims, like /\\s+/g -> " "', () => {
    expect(collapse('  Final\trule \n\n on  reactors\u00a0 ')).toBe('Final rule on reactors');
    expect(collapse('one space stays one space')).toBe('one space stays one space');
    expect(collapse('\u2028\u3000')).toBe('');
    const text = fc
      .array(fc.constantFrom('a', 'b', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2003', '\ufeff'))
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (s) => collapse(s) === s.replace(/\s+/g, ' ').trim()),
      { numRuns: 2000 },
    );
  });
});
