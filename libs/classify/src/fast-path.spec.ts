import fc from 'fast-check';
import { defaultTaxonomy, tokenize } from '@radar/core';
import { compileTaxonomy } from './compile';
import { findEventHits, findEventHitsIn, findEventHitsReference } from './events';
import { isShouting } from './matcher';
import { stem, tokenIds, tokenStream } from './normalize';

/** Words and punctuation that the event rules and the tokenizer care about. */
const PIECES = [
  'the',
  'Department',
  'of',
  'Energy',
  'DOE',
  'final',
  'rule',
  'interim',
  'proposed',
  'rulemaking',
  'NPRM',
  'comments',
  'must',
  'be',
  'received',
  'by',
  'March',
  '3,',
  '2026',
  'effective',
  'on',
  'executive',
  'order',
  'E.O.',
  '14117',
  'H.R.',
  '1234',
  'S.',
  'signed',
  'into',
  'law',
  'awarded',
  'a',
  '$12',
  'million',
  'contract',
  'Army',
  'buys',
  'Pentagon',
  'bans',
  'export',
  'controls',
  'Entity',
  'List',
  'BIS',
  'EAR',
  'tariffs',
  'AD/CVD',
  'sanctions',
  'on',
  'OFAC',
  'FCC',
  'approves',
  'license',
  'issued',
  'guidance',
  'NOFO',
  'funding',
  'opportunity',
  'if',
  'should',
  'Café',
  'éfinal',
  'naïve',
  '_final',
  'Ⅻ',
  '𝐀rmy',
  'İstanbul',
  '.',
  ',',
  ';',
  '\n',
  '\n\n',
  '-',
  "'s",
];

const text = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 60 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', '', '  ', '\t'), { minLength: words.length, maxLength: words.length })
      .map((gaps) => words.map((w, i) => w + gaps[i]).join('')),
  );

describe('classifier fast paths match the plain implementations', () => {
  it('tokenStream equals tokenize + stem, ASCII or not', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 })), (t) => {
        const s = tokenStream(t);
        const ref = tokenize(t);
        expect(s.keys).toEqual(ref.map((x) => stem(x.value)));
        expect(s.starts).toEqual(ref.map((x) => x.offset));
        expect(s.ends).toEqual(ref.map((x) => x.offset + x.raw.length));
      }),
      { numRuns: 400 },
    );
  });

  it('findEventHits (prefix candidates, sticky regexes) equals every rule run over the whole text', () => {
    fc.assert(
      fc.property(text, text, (title, body) => {
        const fields = [
          { field: 'title' as const, text: title },
          { field: 'body' as const, text: body },
        ];
        const ref = findEventHitsReference(fields);
        expect(findEventHits(fields)).toEqual(ref);
        expect(findEventHitsIn(fields, [tokenStream(title), tokenStream(body)])).toEqual(ref);
      }),
      { numRuns: 400 },
    );
  });

  it('scanIds over tokenIds equals scanStream over tokenStream', () => {
    const { matcher } = compileTaxonomy(defaultTaxonomy());
    const vocab = defaultTaxonomy().subSectors.flatMap((s) => s.terms.map((t) => t.term));
    const phrase = fc.array(fc.oneof(fc.constantFrom(...vocab, ...PIECES), fc.string({ maxLength: 8 })), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          text,
          phrase.map((p) => p.join(' ')),
        ),
        fc.boolean(),
        (t, shouting) => {
          const s = shouting ? t.toUpperCase() : t;
          const ids = tokenIds(s, matcher.lexicon);
          expect(matcher.scanIds(ids, { ignoreCase: shouting })).toEqual(
            matcher.scanStream(tokenStream(s, matcher.tokenFilter), { ignoreCase: shouting }),
          );
          expect(ids.starts).toEqual(tokenStream(s).starts);
          expect(ids.shouting).toBe(isShouting(s));
          // Long texts: the capitals sample ends inside or between tokens.
          const long = s.repeat(1 + Math.floor(2100 / (s.length + 1)));
          expect(tokenIds(long, matcher.lexicon).shouting).toBe(isShouting(long));
        },
      ),
      { numRuns: 400 },
    );
  });
});
