import fc from 'fast-check';
import { foldToken, tokenize, words } from './text';

/** The tokenizer's definition: runs of letters, digits and private-use code points, folded. */
function reference(text: string): { value: string; offset: number; raw: string }[] {
  return [...text.matchAll(/[\p{L}\p{N}\p{Co}]+/gu)].map((m) => ({
    value: foldToken(m[0]),
    offset: m.index,
    raw: m[0],
  }));
}

describe('tokenize', () => {
  it('splits on everything but letters and digits, folds case and diacritics, keeps offsets', () => {
    expect(tokenize('Café’s U.S. 10-K — Ünïcode x²')).toEqual([
      { value: 'cafe', offset: 0, raw: 'Café' },
      { value: 's', offset: 5, raw: 's' },
      { value: 'u', offset: 7, raw: 'U' },
      { value: 's', offset: 9, raw: 'S' },
      { value: '10', offset: 12, raw: '10' },
      { value: 'k', offset: 15, raw: 'K' },
      { value: 'unicode', offset: 19, raw: 'Ünïcode' },
      { value: 'x²', offset: 27, raw: 'x²' },
    ]);
  });

  it('reads a letter outside the Basic Multilingual Plane as one character of a token', () => {
    expect(words('a𝐀b 𝟘')).toEqual(['a𝐀b'.toLowerCase(), '𝟘']);
  });

  it('skips lone surrogates and empty text', () => {
    expect(words('ab\ud800cd\udc00')).toEqual(['ab', 'cd']);
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' .,;— ')).toEqual([]);
  });

  it('equals the regular-expression definition on any text', () => {
    const pieces = fc.constantFrom(
      'a',
      'Z',
      '7',
      ' ',
      '.',
      '-',
      '’',
      '—',
      'é',
      'É',
      'e\u0301',
      'ß',
      'İ',
      'ﬁ',
      '²',
      '٣',
      '中',
      '\ue000',
      '𝐀',
      '\ud800',
      '\udc00',
      '\u0000',
      '\n',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme' }),
          fc.array(pieces).map((p) => p.join('')),
        ),
        (text) => {
          expect(tokenize(text)).toEqual(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
