import fc from 'fast-check';
import { DOC_TYPES, PRIORITIES } from '../document';
import { words } from '../text';
import { KEYWORD_FIELDS, QuerySyntaxError, TEXT_FIELDS, type QueryNode, type QueryTextField } from './ast';
import {
  MAX_QUERY_CLAUSES,
  MAX_QUERY_DEPTH,
  MAX_QUERY_LENGTH,
  formatQuery,
  normalizeQuery,
  parseQuery,
} from './parser';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const p = (q: string): QueryNode => parseQuery(q, { now: NOW });

const all: QueryNode = { kind: 'all' };
const t = (value: string, field?: QueryTextField): QueryNode =>
  field === undefined ? { kind: 'term', value, prefix: false } : { kind: 'term', value, prefix: false, field };
const pre = (value: string): QueryNode => ({ kind: 'term', value, prefix: true });
const ph = (...ws: string[]): QueryNode => ({ kind: 'phrase', words: ws });
const kw = (field: (typeof KEYWORD_FIELDS)[number], value: string): QueryNode => ({ kind: 'keyword', field, value });
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ kind: 'or', children });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });
const range = (bounds: { gte?: string; gt?: string; lte?: string; lt?: string }): QueryNode => ({
  kind: 'range',
  field: 'published',
  ...bounds,
});

function syntaxError(q: string): QuerySyntaxError {
  try {
    p(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`expected a QuerySyntaxError for ${JSON.stringify(q)}`);
}

describe('parseQuery: words and operators', () => {
  it.each(['', '   ', '\t\n '])('empty query %j is all', (q) => {
    expect(p(q)).toStrictEqual(all);
  });

  it('parses a single word, folded', () => {
    expect(p('Réacteur')).toStrictEqual(t('reacteur'));
  });

  it('ANDs adjacent words implicitly and explicitly', () => {
    expect(p('nuclear reactor')).toStrictEqual(and(t('nuclear'), t('reactor')));
    expect(p('nuclear AND reactor')).toStrictEqual(and(t('nuclear'), t('reactor')));
  });

  it('parses OR', () => {
    expect(p('solar OR wind')).toStrictEqual(or(t('solar'), t('wind')));
  });

  it('recognises operators only in upper case', () => {
    expect(p('rock and roll')).toStrictEqual(and(t('rock'), t('and'), t('roll')));
    expect(p('this or that')).toStrictEqual(and(t('this'), t('or'), t('that')));
    expect(p('not now')).toStrictEqual(and(t('not'), t('now')));
    expect(p('And Or Not')).toStrictEqual(and(t('and'), t('or'), t('not')));
  });

  it('binds AND tighter than OR', () => {
    expect(p('a b OR c')).toStrictEqual(or(and(t('a'), t('b')), t('c')));
    expect(p('a OR b c')).toStrictEqual(or(t('a'), and(t('b'), t('c'))));
    expect(p('a AND b OR c AND d')).toStrictEqual(or(and(t('a'), t('b')), and(t('c'), t('d'))));
  });

  it('binds NOT and - tighter than AND', () => {
    expect(p('a NOT b OR c')).toStrictEqual(or(and(t('a'), not(t('b'))), t('c')));
    expect(p('NOT a OR b')).toStrictEqual(or(not(t('a')), t('b')));
    expect(p('a AND NOT b')).toStrictEqual(and(t('a'), not(t('b'))));
    expect(p('a -b OR c')).toStrictEqual(or(and(t('a'), not(t('b'))), t('c')));
  });

  it('groups with parentheses', () => {
    expect(p('(a OR b) c')).toStrictEqual(and(or(t('a'), t('b')), t('c')));
    expect(p('a (b OR c)')).toStrictEqual(and(t('a'), or(t('b'), t('c'))));
    expect(p('NOT (a OR b) c')).toStrictEqual(and(not(or(t('a'), t('b'))), t('c')));
    expect(p('(a)(b)')).toStrictEqual(and(t('a'), t('b')));
  });

  it('negates with -', () => {
    expect(p('a -b')).toStrictEqual(and(t('a'), not(t('b'))));
    expect(p('a -"b c"')).toStrictEqual(and(t('a'), not(ph('b', 'c'))));
    expect(p('a -(b OR c)')).toStrictEqual(and(t('a'), not(or(t('b'), t('c')))));
    expect(p('a -sector:nuclear-energy')).toStrictEqual(and(t('a'), not(kw('sector', 'nuclear-energy'))));
    expect(p('a -title:b')).toStrictEqual(and(t('a'), not(t('b', 'title'))));
  });

  it('treats - followed by an operator word as negating that word', () => {
    expect(p('a -AND')).toStrictEqual(and(t('a'), not(t('and'))));
    expect(p('a -OR b')).toStrictEqual(and(t('a'), not(t('or')), t('b')));
  });

  it('keeps a hyphen inside a word as part of the word', () => {
    expect(p('section-232')).toStrictEqual(ph('section', '232'));
    expect(p('a-b -c-d')).toStrictEqual(and(ph('a', 'b'), not(ph('c', 'd'))));
  });

  it('cancels double negation', () => {
    expect(p('NOT NOT a')).toStrictEqual(t('a'));
    expect(p('--a')).toStrictEqual(t('a'));
    expect(p('-(-a)')).toStrictEqual(t('a'));
    expect(p('NOT -a')).toStrictEqual(t('a'));
    expect(p('b NOT NOT NOT a')).toStrictEqual(and(t('b'), not(t('a'))));
  });

  it('turns a bare word of several tokens into a phrase', () => {
    expect(p('U.S.')).toStrictEqual(ph('u', 's'));
    expect(p('H.R.1')).toStrictEqual(ph('h', 'r', '1'));
    expect(p("O'Brien")).toStrictEqual(ph('o', 'brien'));
  });

  it('drops bare words with nothing to search for', () => {
    expect(p('&')).toStrictEqual(all);
    expect(p('a & b')).toStrictEqual(and(t('a'), t('b')));
    expect(p('a OR &')).toStrictEqual(t('a'));
    expect(p('(&) a')).toStrictEqual(t('a'));
    expect(p('a - b')).toStrictEqual(and(t('a'), t('b')));
    expect(p('*')).toStrictEqual(all);
  });

  it('drops a negation of nothing: -& alone is all', () => {
    expect(p('-&')).toStrictEqual(all);
    expect(p('NOT &')).toStrictEqual(all);
    expect(p('a -&')).toStrictEqual(t('a'));
  });

  it('parses prefixes', () => {
    expect(p('reac*')).toStrictEqual(pre('reac'));
    expect(p('Énerg*')).toStrictEqual(pre('energ'));
    expect(p('"reac"*')).toStrictEqual(pre('reac'));
    expect(p('title:reac*')).toStrictEqual({ kind: 'term', value: 'reac', prefix: true, field: 'title' });
  });
});

describe('parseQuery: phrases', () => {
  it('parses a phrase into folded tokens', () => {
    expect(p('"Small Modular Réactors"')).toStrictEqual(ph('small', 'modular', 'reactors'));
    expect(p('"U.S. steel"')).toStrictEqual(ph('u', 's', 'steel'));
  });

  it('parses slop', () => {
    expect(p('"a b"~5')).toStrictEqual({ kind: 'phrase', words: ['a', 'b'], slop: 5 });
    expect(p('"a b"~0')).toStrictEqual({ kind: 'phrase', words: ['a', 'b'], slop: 0 });
    expect(p('"a b"~5 c')).toStrictEqual(and({ kind: 'phrase', words: ['a', 'b'], slop: 5 }, t('c')));
  });

  it('makes a one-token phrase a term (slop and all)', () => {
    expect(p('"reactor"')).toStrictEqual(t('reactor'));
    expect(p('"reactor"~3')).toStrictEqual(t('reactor'));
    expect(p('" reactor! "')).toStrictEqual(t('reactor'));
  });

  it('does not treat operators or fields inside quotes specially', () => {
    expect(p('"a AND b OR (c) sector:x"')).toStrictEqual(ph('a', 'and', 'b', 'or', 'c', 'sector', 'x'));
  });

  it('restricts a phrase to a text field', () => {
    expect(p('summary:"a b"~2')).toStrictEqual({ kind: 'phrase', words: ['a', 'b'], slop: 2, field: 'summary' });
    expect(p('body:U.S.')).toStrictEqual({ kind: 'phrase', words: ['u', 's'], field: 'body' });
  });
});

describe('parseQuery: fields', () => {
  it.each(KEYWORD_FIELDS.filter((f) => f !== 'type' && f !== 'priority'))('parses keyword field %s', (field) => {
    expect(p(`${field}:Some-Value`)).toStrictEqual(kw(field, 'some-value'));
  });

  it('parses type and priority against their known values', () => {
    expect(p('type:Proposed_Rule')).toStrictEqual(kw('type', 'proposed_rule'));
    expect(p('priority:HIGH')).toStrictEqual(kw('priority', 'high'));
  });

  it('accepts quoted keyword values, trimmed and lower-cased', () => {
    expect(p('agency:"Department of Energy"')).toStrictEqual(kw('agency', 'department of energy'));
    expect(p('agency:" DOE "')).toStrictEqual(kw('agency', 'doe'));
    expect(p('source:"weird*"')).toStrictEqual(kw('source', 'weird*'));
  });

  it('keeps keyword values verbatim (no tokenising)', () => {
    expect(p('source:federal-register.gov/rules')).toStrictEqual(kw('source', 'federal-register.gov/rules'));
    expect(p('event:a:b')).toStrictEqual(kw('event', 'a:b'));
  });

  it('accepts field names in any case', () => {
    expect(p('Sector:X')).toStrictEqual(kw('sector', 'x'));
    expect(p('TITLE:X')).toStrictEqual(t('x', 'title'));
  });

  it.each(TEXT_FIELDS)('restricts words to text field %s', (field) => {
    expect(p(`${field}:Reactor`)).toStrictEqual(t('reactor', field));
  });

  it('ends a bare field value at a parenthesis', () => {
    expect(p('(sector:a OR sector:b)')).toStrictEqual(or(kw('sector', 'a'), kw('sector', 'b')));
  });

  it('does not treat a colon after digits as a field', () => {
    expect(p('10:30')).toStrictEqual(ph('10', '30'));
  });
});

describe('parseQuery: published', () => {
  const day = (d: string) => `${d}T00:00:00.000Z`;

  it('parses comparisons with days (a day is a whole UTC day)', () => {
    expect(p('published:>=2026-01-01')).toStrictEqual(range({ gte: day('2026-01-01') }));
    expect(p('published:>2026-01-01')).toStrictEqual(range({ gte: day('2026-01-02') }));
    expect(p('published:<=2026-01-01')).toStrictEqual(range({ lt: day('2026-01-02') }));
    expect(p('published:<2026-01-01')).toStrictEqual(range({ lt: day('2026-01-01') }));
  });

  it('parses a bare day as that whole day', () => {
    expect(p('published:2026-02-28')).toStrictEqual(range({ gte: day('2026-02-28'), lt: day('2026-03-01') }));
    expect(p('published:2024-02-29')).toStrictEqual(range({ gte: day('2024-02-29'), lt: day('2024-03-01') }));
    expect(p('published:2026-12-31')).toStrictEqual(range({ gte: day('2026-12-31'), lt: day('2027-01-01') }));
  });

  it('parses instants with offsets', () => {
    expect(p('published:>=2026-01-01T10:00:00+02:00')).toStrictEqual(range({ gte: '2026-01-01T08:00:00.000Z' }));
    expect(p('published:>2026-01-01T10:00Z')).toStrictEqual(range({ gt: '2026-01-01T10:00:00.000Z' }));
    expect(p('published:<=2026-01-01T10:00:00.1234-0530')).toStrictEqual(range({ lte: '2026-01-01T15:30:00.123Z' }));
    expect(p('published:<2026-01-01T00:00:00.000Z')).toStrictEqual(range({ lt: '2026-01-01T00:00:00.000Z' }));
    expect(p('published:2026-01-01T10:00:00Z')).toStrictEqual(
      range({ gte: '2026-01-01T10:00:00.000Z', lte: '2026-01-01T10:00:00.000Z' }),
    );
  });

  it('parses relative dates from options.now', () => {
    expect(p('published:>now-7d')).toStrictEqual(range({ gt: '2026-02-22T12:00:00.000Z' }));
    expect(p('published:>=now-24h')).toStrictEqual(range({ gte: '2026-02-28T12:00:00.000Z' }));
    expect(p('published:<now-30m')).toStrictEqual(range({ lt: '2026-03-01T11:30:00.000Z' }));
    expect(p('published:<=now')).toStrictEqual(range({ lte: '2026-03-01T12:00:00.000Z' }));
    expect(p('published:<now+1d')).toStrictEqual(range({ lt: '2026-03-02T12:00:00.000Z' }));
  });

  it('reads a bare relative date as "since then"', () => {
    expect(p('published:now-24h')).toStrictEqual(range({ gte: '2026-02-28T12:00:00.000Z' }));
    expect(p('published:now')).toStrictEqual(range({ gte: '2026-03-01T12:00:00.000Z' }));
  });

  it('defaults now to the current time', () => {
    const before = Date.now();
    const node = parseQuery('published:>now-1h');
    const after = Date.now();
    expect(node.kind).toBe('range');
    const gt = Date.parse((node as { gt: string }).gt);
    expect(gt).toBeGreaterThanOrEqual(before - 3_600_000);
    expect(gt).toBeLessThanOrEqual(after - 3_600_000);
  });

  it('parses inclusive, exclusive and open ranges', () => {
    expect(p('published:[2026-01-01 TO 2026-02-01]')).toStrictEqual(
      range({ gte: day('2026-01-01'), lt: day('2026-02-02') }),
    );
    expect(p('published:{2026-01-01 TO 2026-02-01}')).toStrictEqual(
      range({ gte: day('2026-01-02'), lt: day('2026-02-01') }),
    );
    expect(p('published:[2026-01-01T06:00:00Z TO 2026-01-02T06:00:00Z}')).toStrictEqual(
      range({ gte: '2026-01-01T06:00:00.000Z', lt: '2026-01-02T06:00:00.000Z' }),
    );
    expect(p('published:{2026-01-01T06:00:00Z TO 2026-01-02T06:00:00Z]')).toStrictEqual(
      range({ gt: '2026-01-01T06:00:00.000Z', lte: '2026-01-02T06:00:00.000Z' }),
    );
    expect(p('published:[2026-01-01 TO *]')).toStrictEqual(range({ gte: day('2026-01-01') }));
    expect(p('published:[* TO 2026-01-01}')).toStrictEqual(range({ lt: day('2026-01-01') }));
    expect(p('published:[* TO *]')).toStrictEqual(range({}));
    expect(p('published:[now-7d TO now]')).toStrictEqual(
      range({ gte: '2026-02-22T12:00:00.000Z', lte: '2026-03-01T12:00:00.000Z' }),
    );
    expect(p('published:[  2026-01-01   TO 2026-01-01  ]')).toStrictEqual(
      range({ gte: day('2026-01-01'), lt: day('2026-01-02') }),
    );
  });

  it('combines with other clauses', () => {
    expect(p('(published:[2026-01-01 TO *]) reactor')).toStrictEqual(
      and(range({ gte: day('2026-01-01') }), t('reactor')),
    );
    expect(p('-published:<2026-01-01 x')).toStrictEqual(and(not(range({ lt: day('2026-01-01') })), t('x')));
  });
});

describe('parseQuery: errors', () => {
  it.each<[string, number, string]>([
    ['"abc', 0, 'unterminated quote'],
    ['a "b c', 2, 'unterminated quote'],
    ['""', 0, 'no letters or digits'],
    ['a "&&"', 2, 'no letters or digits'],
    ['"a b"~', 5, 'followed by a number'],
    ['"a b"~x', 5, 'followed by a number'],
    ['"a b"~99999', 5, 'too large'],
    ['"a b"*', 5, 'single word'],
    ['U.S*', 0, 'single word'],
    [
      'foo:bar',
      0,
      'unknown field "foo" (known: sector, area, goal, type, agency, source, event, priority, title, summary, body, published)',
    ],
    ['a http://x.org', 2, 'unknown field "http"'],
    ['sector:', 7, 'missing value after "sector:"'],
    ['sector: x', 7, 'missing value'],
    ['(sector:)', 8, 'missing value'],
    ['agency:""', 7, 'the quotes are empty'],
    ['agency:"a"~2', 10, 'applies to words and phrases'],
    ['sector:nuc*', 10, 'prefix search "*" is not supported'],
    ['sector:(a OR b)', 7, 'not a group'],
    ['title:&', 6, 'no letters or digits'],
    ['title:', 6, 'missing value'],
    ['type:memo', 5, 'unknown type "memo" (known: news, rule,'],
    ['priority:urgent', 9, 'unknown priority "urgent" (known: none, low, medium, high)'],
    ['published:', 10, 'missing value'],
    ['published:>=', 12, 'missing date after "published:>="'],
    ['published:2026-13-01', 10, 'invalid date "2026-13-01"'],
    ['published:2026-02-29', 10, 'invalid date'],
    ['published:>=2026-1-1', 12, 'invalid date'],
    ['published:>2026-01-01T25:00Z', 11, 'invalid date'],
    ['published:2026-01-01T10:00:00', 10, 'invalid date'],
    ['published:2026-01-01T10:00:00+24:00', 10, 'invalid date'],
    ['published:yesterday', 10, 'invalid date "yesterday"'],
    ['published:now-7y', 10, 'invalid date'],
    ['published:now-9999999d', 10, 'out of range'],
    ['published:9999-12-31', 10, 'out of range'],
    ['published:"2026-01-01"', 10, 'without quotes'],
    ['published:[2026-01-01 2026-02-01]', 22, 'expected "TO"'],
    ['published:[2026-01-01 to 2026-02-01]', 22, 'expected "TO"'],
    ['published:[2026-01-01 TO', 10, 'unterminated range'],
    ['published:[2026-01-01 TO 2026-02-01', 10, 'unterminated range'],
    ['published:[2026-01-01 TO 2026-02-01)', 35, 'expected "]" or "}"'],
    ['published:[2026-01-01 TO 2026-02-01 x]', 36, 'expected "]" or "}"'],
    ['published:[2026-02-01 TO 2026-01-01]', 10, 'empty date range'],
    ['published:{2026-01-01 TO 2026-01-02}', 10, 'empty date range'],
    ['published:[x TO *]', 11, 'invalid date "x"'],
    ['(a', 0, 'unclosed "("'],
    ['(a (b)', 0, 'unclosed "("'],
    ['a (', 2, 'unclosed "("'],
    ['a)', 1, 'unexpected ")"'],
    [')', 0, 'unexpected ")"'],
    ['(a))', 3, 'unexpected ")"'],
    ['()', 0, 'empty parentheses'],
    ['a ( ) b', 2, 'empty parentheses'],
    ['a AND', 2, '"AND" must be followed by a clause'],
    ['a OR', 2, '"OR" must be followed by a clause'],
    ['(a OR) b', 3, '"OR" must be followed by a clause'],
    ['OR b', 0, '"OR" needs a clause before it'],
    ['AND b', 0, '"AND" needs a clause before it'],
    ['(AND b)', 1, '"AND" needs a clause before it'],
    ['NOT', 0, '"NOT" must be followed by a clause'],
    ['a NOT', 2, '"NOT" must be followed by a clause'],
    ['a AND OR b', 6, 'expected a clause after "AND", found "OR"'],
    ['a OR OR b', 5, 'expected a clause after "OR", found "OR"'],
    ['NOT AND b', 4, 'expected a clause after "NOT", found "AND"'],
  ])('%j fails at %i with %j', (q, position, message) => {
    const e = syntaxError(q);
    expect(e.position).toBe(position);
    expect(e.message).toContain(message);
    expect(e.message).toContain(`at position ${position}`);
    expect(e.name).toBe('QuerySyntaxError');
  });

  it('reports the leftmost problem', () => {
    expect(syntaxError(') foo:bar').position).toBe(0);
    expect(syntaxError('foo:bar )').position).toBe(0);
  });

  it('limits length', () => {
    expect(p('x'.repeat(MAX_QUERY_LENGTH))).toStrictEqual(t('x'.repeat(MAX_QUERY_LENGTH)));
    const e = syntaxError(`${'a '.repeat(MAX_QUERY_LENGTH / 2)}b`);
    expect(e.position).toBe(MAX_QUERY_LENGTH);
    expect(e.message).toContain('too long');
  });

  it('limits nesting depth', () => {
    const ok = `${'('.repeat(MAX_QUERY_DEPTH)}a${')'.repeat(MAX_QUERY_DEPTH)}`;
    expect(p(ok)).toStrictEqual(t('a'));
    const deep = `${'('.repeat(MAX_QUERY_DEPTH + 1)}a${')'.repeat(MAX_QUERY_DEPTH + 1)}`;
    const e = syntaxError(deep);
    expect(e.position).toBe(MAX_QUERY_DEPTH);
    expect(e.message).toContain('too deeply nested');
    // Depth is nesting, not the number of groups.
    expect(() => p('(a) '.repeat(100))).not.toThrow();
  });

  it('limits the number of clauses', () => {
    const words200 = Array.from({ length: MAX_QUERY_CLAUSES }, (_, i) => `w${i}`).join(' ');
    expect((p(words200) as { children: QueryNode[] }).children).toHaveLength(MAX_QUERY_CLAUSES);
    const e = syntaxError(`${words200} extra`);
    expect(e.position).toBe(words200.length + 1);
    expect(e.message).toContain('too many clauses');
    // Dropped punctuation does not count.
    expect(() => p(`${words200} & & -`)).not.toThrow();
  });

  it('survives pathological input quickly', () => {
    const inputs = [
      '('.repeat(MAX_QUERY_LENGTH),
      ')'.repeat(MAX_QUERY_LENGTH),
      '"'.repeat(MAX_QUERY_LENGTH),
      '"'.repeat(MAX_QUERY_LENGTH - 1),
      '-'.repeat(MAX_QUERY_LENGTH - 1) + 'a',
      'NOT '.repeat(MAX_QUERY_LENGTH / 4 - 1) + 'a',
      '-('.repeat(MAX_QUERY_LENGTH / 2),
      'a OR '.repeat(MAX_QUERY_LENGTH / 5),
      'a:'.repeat(MAX_QUERY_LENGTH / 2),
      'title:'.repeat(MAX_QUERY_LENGTH / 6),
      'published:['.repeat(MAX_QUERY_LENGTH / 11),
      '&'.repeat(MAX_QUERY_LENGTH),
      '& '.repeat(MAX_QUERY_LENGTH / 2),
      'x'.repeat(MAX_QUERY_LENGTH),
      '*'.repeat(MAX_QUERY_LENGTH),
      `"${'a '.repeat(MAX_QUERY_LENGTH / 2 - 2)}"~9`,
    ];
    for (const input of inputs) {
      expect(input.length).toBeLessThanOrEqual(MAX_QUERY_LENGTH);
      const start = performance.now();
      try {
        p(input);
      } catch (e) {
        expect(e).toBeInstanceOf(QuerySyntaxError);
      }
      expect(performance.now() - start).toBeLessThan(250);
    }
    expect(p('-'.repeat(MAX_QUERY_LENGTH - 1) + 'a')).toStrictEqual(and(all, not(t('a'))));
    expect(p('NOT '.repeat(MAX_QUERY_LENGTH / 4 - 1) + 'a')).toStrictEqual(and(all, not(t('a'))));
  });
});

describe('parseQuery: normalisation', () => {
  it('flattens nested and/or of the same kind', () => {
    expect(p('a (b (c d))')).toStrictEqual(and(t('a'), t('b'), t('c'), t('d')));
    expect(p('a OR (b OR (c OR d))')).toStrictEqual(or(t('a'), t('b'), t('c'), t('d')));
    expect(p('(a OR b) OR (c d)')).toStrictEqual(or(t('a'), t('b'), and(t('c'), t('d'))));
  });

  it('collapses one-child groups', () => {
    expect(p('((a))')).toStrictEqual(t('a'));
    expect(p('(a) OR ((b))')).toStrictEqual(or(t('a'), t('b')));
  });

  it('adds all to a query of only negations', () => {
    expect(p('-a')).toStrictEqual(and(all, not(t('a'))));
    expect(p('NOT a')).toStrictEqual(and(all, not(t('a'))));
    expect(p('-a -b')).toStrictEqual(and(all, not(t('a')), not(t('b'))));
    expect(p('-a AND NOT sector:x')).toStrictEqual(and(all, not(t('a')), not(kw('sector', 'x'))));
    expect(p('(-a)')).toStrictEqual(and(all, not(t('a'))));
  });

  it('adds all to every AND group without a positive clause', () => {
    expect(p('x OR (-a -b)')).toStrictEqual(or(t('x'), and(all, not(t('a')), not(t('b')))));
    expect(p('-(-a -b)')).toStrictEqual(and(all, not(and(all, not(t('a')), not(t('b'))))));
    // A lone negation inside OR is left alone (no AND group).
    expect(p('x OR -a')).toStrictEqual(or(t('x'), not(t('a'))));
  });

  it('does not add all when a positive clause is present, even after flattening', () => {
    expect(p('(-a -b) c')).toStrictEqual(and(not(t('a')), not(t('b')), t('c')));
    expect(p('-a (b OR c)')).toStrictEqual(and(not(t('a')), or(t('b'), t('c'))));
  });

  it('normalises hand-built trees', () => {
    expect(normalizeQuery(and())).toStrictEqual(all);
    expect(normalizeQuery(and(all, t('a')))).toStrictEqual(t('a'));
    expect(normalizeQuery(or(t('a'), all))).toStrictEqual(all);
    expect(normalizeQuery(and(t('a'), or(all, t('b'))))).toStrictEqual(t('a'));
    expect(normalizeQuery(not(not(not(t('a')))))).toStrictEqual(and(all, not(t('a'))));
    expect(normalizeQuery(or(not(and(all, not(t('a')))), t('b')))).toStrictEqual(or(t('a'), t('b')));
    expect(normalizeQuery({ kind: 'phrase', words: ['a'], slop: 3, field: 'title' })).toStrictEqual(t('a', 'title'));
    expect(normalizeQuery(kw('agency', '  DOE '))).toStrictEqual(kw('agency', 'doe'));
    expect(normalizeQuery(range({ gte: '2026-01-01', gt: '2026-01-02T00:00:00+01:00' }))).toStrictEqual(
      range({ gt: '2026-01-01T23:00:00.000Z' }),
    );
    expect(normalizeQuery(range({ gte: '2026-01-02', gt: '2026-01-01T00:00:00Z' }))).toStrictEqual(
      range({ gte: '2026-01-02T00:00:00.000Z' }),
    );
    expect(normalizeQuery(range({ gte: '2026-01-01T00:00:00Z', gt: '2026-01-01T00:00:00Z' }))).toStrictEqual(
      range({ gt: '2026-01-01T00:00:00.000Z' }),
    );
    expect(normalizeQuery(range({ lte: '2026-01-05T00:00:00Z', lt: '2026-01-03T00:00:00Z' }))).toStrictEqual(
      range({ lt: '2026-01-03T00:00:00.000Z' }),
    );
    expect(normalizeQuery(range({ lte: '2026-01-01T00:00:00Z', lt: '2026-01-03T00:00:00Z' }))).toStrictEqual(
      range({ lte: '2026-01-01T00:00:00.000Z' }),
    );
  });

  it('is idempotent on parser output', () => {
    for (const q of ['-a', 'a -b OR -c -d', '-(-a -b) x', 'x OR (-a -b)', 'published:2026-01-01 "a b"~3']) {
      const n = p(q);
      expect(normalizeQuery(n)).toStrictEqual(n);
    }
  });
});

describe('formatQuery', () => {
  it.each<[string, string]>([
    ['', ''],
    ['reactor', 'reactor'],
    ['Reactor AND nuclear', 'reactor nuclear'],
    ['a OR b c', 'a OR b c'],
    ['(a OR b) c', '(a OR b) c'],
    ['NOT a', '-a'],
    ['NOT a NOT b', '-a -b'],
    ['NOT (a b)', '-(a b)'],
    ['NOT (a OR b) c', '-(a OR b) c'],
    ['-(-a -b)', '-(-a -b)'],
    ['x OR (-a -b)', 'x OR -a -b'],
    ['reac*', 'reac*'],
    ['"A b"~3', '"a b"~3'],
    ['U.S.', '"u s"'],
    ['title:Reactor summary:"a b" body:x*', 'title:reactor summary:"a b" body:x*'],
    ['agency:"Department of Energy" sector:Nuclear', 'agency:"department of energy" sector:nuclear'],
    ['source:"weird*"', 'source:"weird*"'],
    ['published:>=2026-01-01', 'published:>=2026-01-01T00:00:00.000Z'],
    ['published:2026-01-01', 'published:[2026-01-01T00:00:00.000Z TO 2026-01-02T00:00:00.000Z}'],
    ['published:>now-7d', 'published:>2026-02-22T12:00:00.000Z'],
    [
      'published:{2026-01-01T06:00Z TO 2026-01-02T06:00Z]',
      'published:{2026-01-01T06:00:00.000Z TO 2026-01-02T06:00:00.000Z]',
    ],
    ['published:[* TO *]', 'published:[* TO *]'],
  ])('formats %j as %j', (q, expected) => {
    const node = p(q);
    expect(formatQuery(node)).toBe(expected);
    expect(p(formatQuery(node))).toStrictEqual(node);
  });

  it('formats hand-built trees in normal form', () => {
    expect(formatQuery(and(t('a'), and(t('b'), or(t('c'), or(t('d'), t('e'))))))).toBe('a b (c OR d OR e)');
    expect(formatQuery(not(or(t('a'), and(t('b'), t('c')))))).toBe('-(a OR b c)');
  });

  it('rejects trees the language cannot express', () => {
    expect(() => formatQuery(not(all))).toThrow(/matches nothing/);
    expect(() => formatQuery(kw('agency', 'say "hi"'))).toThrow(/cannot be written/);
    expect(() => formatQuery({ kind: 'phrase', words: [] })).toThrow(/at least one word/);
    expect(() => formatQuery(range({ gte: 'soon' }))).toThrow(/not a date/);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const SEED = 20260301;

function isSyntaxErrorOrNode(run: () => QueryNode): boolean {
  try {
    const node = run();
    return typeof node === 'object' && node !== null && typeof node.kind === 'string';
  } catch (e) {
    if (e instanceof QuerySyntaxError) {
      return Number.isInteger(e.position) && e.position >= 0;
    }
    throw e;
  }
}

/** Words the language can write back: single folded tokens. */
function canonicalWord(w: string): boolean {
  const ws = words(w);
  return ws.length === 1 && ws[0] === w;
}

function everyWordCanonical(node: QueryNode): boolean {
  switch (node.kind) {
    case 'term':
      return canonicalWord(node.value);
    case 'phrase':
      return node.words.every(canonicalWord);
    case 'and':
    case 'or':
      return node.children.every(everyWordCanonical);
    case 'not':
      return everyWordCanonical(node.child);
    default:
      return true;
  }
}

function containsNotAll(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(containsNotAll);
    case 'not':
      return node.child.kind === 'all' || containsNotAll(node.child);
    default:
      return false;
  }
}

const PIECES = [
  'AND',
  'OR',
  'NOT',
  'and',
  'or',
  '(',
  ')',
  '"',
  '"',
  '-',
  '*',
  '~',
  '~3',
  ':',
  ' ',
  ' ',
  ' ',
  '\t',
  '\n',
  'title:',
  'summary:',
  'body:',
  'sector:',
  'area:',
  'goal:',
  'type:',
  'type:rule',
  'agency:',
  'source:',
  'event:',
  'priority:',
  'priority:high',
  'published:',
  'published:>',
  'published:>=',
  'published:<',
  'published:[',
  'published:{',
  ' TO ',
  ']',
  '}',
  '[',
  '{',
  '>=',
  '<',
  'now',
  'now-7d',
  'now-24h',
  'now-30m',
  '2026-01-01',
  '2026-13-45',
  '2026-01-01T10:00:00Z',
  '2026-01-01T10:00:00+02:00',
  'foo:',
  'bar',
  'U.S.',
  'section-232',
  '&',
  'é',
  'Énergie',
  '東京',
  'ß',
  'İ',
  '🙂',
  '\u0301',
  '\uD800',
  'réac*',
  'x',
  'y',
  '42',
];

const biasedQuery = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
    ),
    {
      maxLength: 30,
    },
  )
  .map((parts) => parts.join(''));

describe('parseQuery properties', () => {
  it('returns a tree or throws QuerySyntaxError for arbitrary strings, quickly', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 80 }),
          fc.string({ unit: 'binary', maxLength: 80 }),
          biasedQuery,
        ),
        (q) => {
          const start = performance.now();
          const ok = isSyntaxErrorOrNode(() => p(q));
          return ok && performance.now() - start < 250;
        },
      ),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('returns a tree or throws QuerySyntaxError for long random inputs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { minLength: 100, maxLength: 400 }).map((ps) => ps.join('')),
        (q) => {
          const start = performance.now();
          const ok = isSyntaxErrorOrNode(() => p(q));
          return ok && performance.now() - start < 250;
        },
      ),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('parser output is normalised and formats back to itself', () => {
    fc.assert(
      fc.property(biasedQuery, (q) => {
        let node: QueryNode;
        try {
          node = p(q);
        } catch {
          return true;
        }
        expect(normalizeQuery(node)).toStrictEqual(node);
        if (!everyWordCanonical(node)) return true;
        expect(p(formatQuery(node))).toStrictEqual(node);
        return true;
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });
});

// Generated trees.
const tokenArb = fc.oneof(
  fc.constantFrom('reactor', 'nuclear', 'grid', 'u', 's', '232', 'energie', 'and', 'or', 'not', 'title', 'ß', '東京'),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
    .map((s) => words(s)[0] ?? 'x')
    .filter(canonicalWord),
);
const textFieldArb = fc.option(fc.constantFrom(...TEXT_FIELDS), { nil: undefined });

const termArb: fc.Arbitrary<QueryNode> = fc
  .record({ value: tokenArb, prefix: fc.boolean(), field: textFieldArb })
  .map(({ value, prefix, field }) =>
    field === undefined ? { kind: 'term', value, prefix } : { kind: 'term', value, prefix, field },
  );

const phraseArb: fc.Arbitrary<QueryNode> = fc
  .record({
    words: fc.array(tokenArb, { minLength: 1, maxLength: 4 }),
    slop: fc.option(fc.nat({ max: 50 }), { nil: undefined }),
    field: textFieldArb,
  })
  .map(({ words: ws, slop, field }) => {
    const node: QueryNode = { kind: 'phrase', words: ws };
    if (slop !== undefined) node.slop = slop;
    if (field !== undefined) node.field = field;
    return node;
  });

const keywordValueArb = fc
  .string({
    unit: fc.constantFrom('a', 'B', 'z', '0', '-', '_', '.', '/', ':', '*', ' ', '\t', '(', ')', 'é', 'Ж', '東', '~'),
    minLength: 1,
    maxLength: 12,
  })
  .filter((s) => s.trim() !== '');

const keywordArb: fc.Arbitrary<QueryNode> = fc.oneof(
  fc
    .record({
      field: fc.constantFrom(...KEYWORD_FIELDS.filter((f) => f !== 'type' && f !== 'priority')),
      value: keywordValueArb,
    })
    .map(({ field, value }): QueryNode => ({ kind: 'keyword', field, value })),
  fc.constantFrom(...DOC_TYPES).map((value): QueryNode => ({ kind: 'keyword', field: 'type', value })),
  fc.constantFrom(...PRIORITIES).map((value): QueryNode => ({ kind: 'keyword', field: 'priority', value })),
);

const instantArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const rangeArb: fc.Arbitrary<QueryNode> = fc
  .record({
    a: instantArb,
    b: instantArb,
    lower: fc.constantFrom('gte', 'gt', 'none'),
    upper: fc.constantFrom('lte', 'lt', 'none'),
  })
  .map(({ a, b, lower, upper }) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const node: QueryNode = { kind: 'range', field: 'published' };
    // Keep ranges non-empty (the parser rejects empty ones).
    const exclusive = lower === 'gt' || upper === 'lt';
    const high = lo === hi && exclusive && upper !== 'none' && lower !== 'none' ? undefined : hi;
    if (lower === 'gte') node.gte = lo;
    if (lower === 'gt') node.gt = lo;
    if (high !== undefined && upper === 'lte') node.lte = high;
    if (high !== undefined && upper === 'lt') node.lt = high;
    return node;
  });

const treeArb = fc.letrec<{ node: QueryNode }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'tree' },
    termArb,
    phraseArb,
    keywordArb,
    rangeArb,
    fc.constant<QueryNode>({ kind: 'all' }),
    fc.array(tie('node'), { minLength: 0, maxLength: 3 }).map((children): QueryNode => ({ kind: 'and', children })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((children): QueryNode => ({ kind: 'or', children })),
    tie('node').map((child): QueryNode => ({ kind: 'not', child })),
  ),
})).node;

describe('formatQuery properties', () => {
  it('parseQuery(formatQuery(ast)) equals normalizeQuery(ast)', () => {
    fc.assert(
      fc.property(treeArb, (ast) => {
        const normal = normalizeQuery(ast);
        fc.pre(!containsNotAll(normal));
        const text = formatQuery(ast);
        fc.pre(text.length <= MAX_QUERY_LENGTH);
        expect(p(text)).toStrictEqual(normal);
        expect(normalizeQuery(normal)).toStrictEqual(normal);
        expect(formatQuery(normal)).toBe(text);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
