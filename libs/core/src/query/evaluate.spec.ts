import fc from 'fast-check';
import type { QueryNode } from './ast';
import { matchesDocument, matchesPrepared, prepareDocument, type MatchableDocument } from './evaluate';
import { formatQuery, normalizeQuery, parseQuery } from './parser';

const NOW = new Date('2026-03-01T12:00:00.000Z');

const DOC: MatchableDocument = {
  title: 'DOE announces $900M for Small Modular Reactors',
  summary: 'The Department of Energy will fund advanced nuclear reactor deployment across the U.S.',
  body:
    'Under Section 232, tariffs on imported steel remain. The Énergie programme (H.R.1) covers ' +
    'grid resilience, transmission and cyber security for utilities.',
  subSectors: [
    { id: 'Nuclear-Energy', score: 0.9, evidence: [] },
    { id: 'electric-grid', score: 0.4, evidence: [] },
  ],
  focusAreas: ['supply-chain', 'Workforce'],
  advocacyGoals: [{ id: 'expand-funding', score: 0.8, evidence: [] }],
  docType: 'press_release',
  agencies: ['Department of Energy', 'NRC'],
  sourceId: 'doe-newsroom',
  policyEvents: [{ kind: 'funding_opportunity', date: '2026-02-15' }, { kind: 'Comment_Period' }],
  priority: 'high',
  publishedAt: '2026-02-15T10:00:00Z',
};

const prepared = prepareDocument(DOC);
const m = (q: string, doc: MatchableDocument = DOC): boolean => matchesDocument(parseQuery(q, { now: NOW }), doc);
const mp = (q: string): boolean => matchesPrepared(parseQuery(q, { now: NOW }), prepared);

describe('prepareDocument', () => {
  it('tokenises each text field and collects lower-cased keywords', () => {
    expect(prepared.text.title.tokens).toEqual(['doe', 'announces', '900m', 'for', 'small', 'modular', 'reactors']);
    expect(prepared.text.title.positions.get('small')).toEqual([4]);
    expect(prepared.text.title.sortedTokens).toEqual([
      '900m',
      'announces',
      'doe',
      'for',
      'modular',
      'reactors',
      'small',
    ]);
    expect([...prepared.keywords.sector]).toEqual(['nuclear-energy', 'electric-grid']);
    expect([...prepared.keywords.agency]).toEqual(['department of energy', 'nrc']);
    expect([...prepared.keywords.event]).toEqual(['funding_opportunity', 'comment_period']);
    expect(prepared.publishedAt).toBe(Date.parse('2026-02-15T10:00:00Z'));
  });

  it('records repeated tokens at every position', () => {
    const doc = prepareDocument({ ...DOC, body: 'a b a c a' });
    expect(doc.text.body.positions.get('a')).toEqual([0, 2, 4]);
  });

  it('gives NaN for an unparseable publishedAt', () => {
    expect(prepareDocument({ ...DOC, publishedAt: 'soon' }).publishedAt).toBeNaN();
  });
});

describe('matchesDocument: text', () => {
  it('matches all', () => {
    expect(m('')).toBe(true);
  });

  it('matches a term in any text field, folded', () => {
    expect(m('reactors')).toBe(true); // title
    expect(m('DEPLOYMENT')).toBe(true); // summary
    expect(m('energie')).toBe(true); // body, diacritics removed
    expect(m('Énergie')).toBe(true);
    expect(m('reactorz')).toBe(false);
    expect(m('reac')).toBe(false); // whole tokens only
  });

  it('matches prefixes', () => {
    expect(m('reac*')).toBe(true);
    expect(m('modul*')).toBe(true);
    expect(m('900*')).toBe(true);
    expect(m('zzz*')).toBe(false);
    expect(m('reactorsx*')).toBe(false);
    expect(m('"reactors"*')).toBe(true);
  });

  it('restricts a term to a field', () => {
    expect(m('title:reactors')).toBe(true);
    expect(m('summary:reactors')).toBe(false);
    expect(m('summary:reactor')).toBe(true);
    expect(m('body:reactor')).toBe(false);
    expect(m('body:tariff*')).toBe(true);
    expect(m('title:tariff*')).toBe(false);
  });

  it('matches phrases as consecutive tokens in one field', () => {
    expect(m('"small modular reactors"')).toBe(true);
    expect(m('"modular small"')).toBe(false);
    expect(m('"small reactors"')).toBe(false);
    expect(m('U.S.')).toBe(true); // summary: "the U.S." -> u s
    expect(m('section-232')).toBe(true);
    expect(m('H.R.1')).toBe(true);
    expect(m('"cyber security"')).toBe(true);
    // Across fields does not count: title ends "reactors", summary starts "the".
    expect(m('"reactors the"')).toBe(false);
  });

  it('restricts a phrase to a field', () => {
    expect(m('title:"small modular"')).toBe(true);
    expect(m('body:"small modular"')).toBe(false);
  });

  it('matches NEAR phrases with at most N tokens between, in any order', () => {
    const doc = { ...DOC, title: '', summary: '', body: 'alpha x x beta y gamma' };
    expect(m('"alpha beta"~2', doc)).toBe(true);
    expect(m('"alpha beta"~1', doc)).toBe(false);
    expect(m('"beta alpha"~2', doc)).toBe(true);
    expect(m('"alpha beta"~0', { ...doc, body: 'beta alpha' })).toBe(true);
    expect(m('"alpha beta"~0', { ...doc, body: 'alpha x beta' })).toBe(false);
    // Three words: at most N tokens between the first and the last (FTS5 NEAR).
    expect(m('"alpha beta gamma"~4', doc)).toBe(true);
    expect(m('"alpha beta gamma"~3', doc)).toBe(false);
    expect(m('"gamma alpha beta"~4', doc)).toBe(true);
    expect(m('"alpha delta"~10', doc)).toBe(false);
  });

  it('picks the best occurrences for NEAR', () => {
    const doc = { ...DOC, title: '', summary: '', body: 'a x x x x x b x x x x a x b' };
    expect(m('"a b"~1', doc)).toBe(true);
    expect(m('"a b"~0', doc)).toBe(false);
    // Like FTS5, a repeated word may be satisfied by one occurrence.
    expect(m('"b b"~0', { ...doc, body: 'b' })).toBe(true);
  });

  it('keeps NEAR within one field', () => {
    const doc = { ...DOC, title: 'alpha', summary: 'beta', body: '' };
    expect(m('"alpha beta"~50', doc)).toBe(false);
    expect(m('title:"alpha beta"~50', { ...doc, title: 'alpha one two beta' })).toBe(true);
    expect(m('summary:"alpha beta"~50', { ...doc, title: 'alpha one two beta' })).toBe(false);
  });

  it('treats an empty phrase as matching nothing', () => {
    expect(matchesPrepared({ kind: 'phrase', words: [] }, prepared)).toBe(false);
  });
});

describe('matchesDocument: keywords', () => {
  it.each<[string, boolean]>([
    ['sector:nuclear-energy', true],
    ['sector:NUCLEAR-ENERGY', true],
    ['sector:electric-grid', true],
    ['sector:nuclear', false],
    ['area:supply-chain', true],
    ['area:workforce', true],
    ['area:cyber', false],
    ['goal:expand-funding', true],
    ['goal:other', false],
    ['type:press_release', true],
    ['type:rule', false],
    ['agency:"department of energy"', true],
    ['agency:"DEPARTMENT OF ENERGY"', true],
    ['agency:department', false],
    ['agency:nrc', true],
    ['source:doe-newsroom', true],
    ['source:doe', false],
    ['event:funding_opportunity', true],
    ['event:comment_period', true],
    ['event:hearing', false],
    ['priority:high', true],
    ['priority:low', false],
  ])('%s -> %s', (q, expected) => {
    expect(m(q)).toBe(expected);
    expect(mp(q)).toBe(expected);
  });

  it('compares hand-built keyword values case-insensitively', () => {
    expect(matchesPrepared({ kind: 'keyword', field: 'agency', value: 'NRC' }, prepared)).toBe(true);
  });
});

describe('matchesDocument: published', () => {
  it.each<[string, boolean]>([
    ['published:2026-02-15', true],
    ['published:2026-02-14', false],
    ['published:2026-02-16', false],
    ['published:>=2026-02-15', true],
    ['published:>2026-02-15', false],
    ['published:>2026-02-14', true],
    ['published:<=2026-02-15', true],
    ['published:<2026-02-15', false],
    ['published:<2026-02-16', true],
    ['published:>=2026-02-15T10:00:00Z', true],
    ['published:>2026-02-15T10:00:00Z', false],
    ['published:<=2026-02-15T12:00:00+02:00', true],
    ['published:<2026-02-15T12:00:00+02:00', false],
    ['published:2026-02-15T10:00:00Z', true],
    ['published:[2026-02-01 TO 2026-02-15]', true],
    ['published:[2026-02-01 TO 2026-02-15}', false],
    ['published:{2026-02-15 TO *]', false],
    ['published:[* TO *]', true],
    ['published:>now-30d', true],
    ['published:>now-7d', false],
    ['published:now-24h', false],
  ])('%s -> %s', (q, expected) => {
    expect(m(q)).toBe(expected);
  });

  it('compares instants, not strings', () => {
    expect(m('published:2026-02-15', { ...DOC, publishedAt: '2026-02-15T23:30:00-00:30' })).toBe(false);
    expect(m('published:2026-02-16', { ...DOC, publishedAt: '2026-02-15T23:30:00-00:30' })).toBe(true);
  });

  it('never matches an unparseable date', () => {
    const doc = { ...DOC, publishedAt: 'unknown' };
    expect(m('published:[* TO *]', doc)).toBe(false);
    expect(m('published:>=2000-01-01', doc)).toBe(false);
    expect(m('-published:>=2000-01-01', doc)).toBe(true);
  });
});

describe('matchesDocument: boolean structure', () => {
  it.each<[string, boolean]>([
    ['reactor tariffs', true],
    ['reactor zebra', false],
    ['reactor OR zebra', true],
    ['zebra OR yak', false],
    ['-zebra', true],
    ['-reactor', false],
    ['NOT reactor', false],
    ['-zebra -yak', true],
    ['-zebra -reactor', false],
    ['reactor -sector:nuclear-energy', false],
    ['reactor -sector:wind', true],
    ['(zebra OR reactor) priority:high', true],
    ['zebra OR reactor priority:low', false],
    ['-(zebra OR reactor)', false],
    ['--reactor', true],
    ['&', true],
    ['-&', true],
  ])('%s -> %s', (q, expected) => {
    expect(m(q)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const SEED = 20260301;
const VOCAB = ['alpha', 'beta', 'gamma', 'delta', 'x'];

const textArb = fc
  .array(fc.constantFrom(...VOCAB, 'Alpha', 'BÉTA', '-', '.'), { maxLength: 10 })
  .map((ws) => ws.join(' '));
const docArb: fc.Arbitrary<MatchableDocument> = fc.record({
  title: textArb,
  summary: textArb,
  body: textArb,
  subSectors: fc.subarray(['s1', 's2']).map((ids) => ids.map((id) => ({ id, score: 1, evidence: [] }))),
  focusAreas: fc.subarray(['a1', 'a2']),
  advocacyGoals: fc.subarray(['g1', 'g2']).map((ids) => ids.map((id) => ({ id, score: 1, evidence: [] }))),
  docType: fc.constantFrom('news' as const, 'rule' as const),
  agencies: fc.subarray(['DOE', 'NRC']),
  sourceId: fc.constantFrom('src1', 'src2'),
  policyEvents: fc.subarray(['e1', 'e2']).map((ks) => ks.map((kind) => ({ kind }))),
  priority: fc.constantFrom('low' as const, 'high' as const),
  publishedAt: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-15T12:00:00Z', '2026-02-01T00:00:00Z'),
});

const fieldArb = fc.option(fc.constantFrom('title' as const, 'summary' as const, 'body' as const), { nil: undefined });
const leafArb: fc.Arbitrary<QueryNode> = fc.oneof(
  fc
    .record({ value: fc.constantFrom(...VOCAB, 'al', 'be'), prefix: fc.boolean(), field: fieldArb })
    .map(({ value, prefix, field }): QueryNode =>
      field === undefined ? { kind: 'term', value, prefix } : { kind: 'term', value, prefix, field },
    ),
  fc
    .record({
      words: fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 3 }),
      slop: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
      field: fieldArb,
    })
    .map(({ words, slop, field }): QueryNode => {
      const node: QueryNode = { kind: 'phrase', words };
      if (slop !== undefined) node.slop = slop;
      if (field !== undefined) node.field = field;
      return node;
    }),
  fc.constantFrom<QueryNode>(
    { kind: 'keyword', field: 'sector', value: 's1' },
    { kind: 'keyword', field: 'area', value: 'A2' },
    { kind: 'keyword', field: 'agency', value: 'doe' },
    { kind: 'keyword', field: 'type', value: 'rule' },
    { kind: 'keyword', field: 'priority', value: 'high' },
    { kind: 'keyword', field: 'event', value: 'e1' },
    { kind: 'keyword', field: 'goal', value: 'g2' },
    { kind: 'keyword', field: 'source', value: 'src1' },
    { kind: 'range', field: 'published', gte: '2026-01-10T00:00:00.000Z' },
    { kind: 'range', field: 'published', gt: '2026-01-01T00:00:00.000Z', lte: '2026-01-15T12:00:00.000Z' },
    { kind: 'range', field: 'published', lt: '2026-02-01T00:00:00.000Z' },
    { kind: 'all' },
  ),
);

const treeArb = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'evaluate-tree' },
    leafArb,
    fc.array(tie('node'), { minLength: 0, maxLength: 3 }).map((children): QueryNode => ({ kind: 'and', children })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((children): QueryNode => ({ kind: 'or', children })),
    tie('node').map((child): QueryNode => ({ kind: 'not', child })),
  ),
})).node;

/** Brute-force FTS5 NEAR over one token list: every choice of one position per word. */
function nearByBruteForce(tokens: string[], phrase: string[], slop: number): boolean {
  const choices = phrase.map((w) => tokens.flatMap((t, i) => (t === w ? [i] : [])));
  const search = (k: number, lo: number, hi: number): boolean => {
    if (k === choices.length) return hi - lo - 1 <= slop;
    return choices[k].some((p) => search(k + 1, Math.min(lo, p), Math.max(hi, p)));
  };
  return search(0, Infinity, -Infinity);
}

function phraseByBruteForce(tokens: string[], phrase: string[]): boolean {
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((w, j) => tokens[i + j] === w)) return true;
  }
  return false;
}

describe('evaluator properties', () => {
  it('normalisation and formatting do not change what a query matches', () => {
    fc.assert(
      fc.property(treeArb, docArb, (ast, doc) => {
        const expected = matchesDocument(ast, doc);
        const normal = normalizeQuery(ast);
        expect(matchesDocument(normal, doc)).toBe(expected);
        let text: string;
        try {
          text = formatQuery(ast);
        } catch {
          return; // not(all): no syntax for "nothing"
        }
        expect(matchesDocument(parseQuery(text), doc)).toBe(expected);
      }),
      { seed: SEED, numRuns: 800 },
    );
  });

  it('phrase and NEAR agree with brute force', () => {
    const tokensArb = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 });
    const phraseArb = fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 2, maxLength: 3 });
    fc.assert(
      fc.property(tokensArb, phraseArb, fc.option(fc.nat({ max: 5 }), { nil: undefined }), (tokens, words, slop) => {
        const doc = { ...DOC, title: '', summary: '', body: tokens.join(' ') };
        const node: QueryNode = slop === undefined ? { kind: 'phrase', words } : { kind: 'phrase', words, slop };
        const expected = slop === undefined ? phraseByBruteForce(tokens, words) : nearByBruteForce(tokens, words, slop);
        expect(matchesDocument(node, doc)).toBe(expected);
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('prefix lookup agrees with a linear scan', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'é', 'z', '1'), minLength: 1, maxLength: 4 }), {
          maxLength: 10,
        }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'e', 'z', '1'), maxLength: 3 }),
        (ws, prefix) => {
          const doc = prepareDocument({ ...DOC, title: ws.join(' '), summary: '', body: '' });
          const expected = doc.text.title.tokens.some((t) => t.startsWith(prefix));
          expect(matchesPrepared({ kind: 'term', value: prefix, prefix: true, field: 'title' }, doc)).toBe(expected);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});
