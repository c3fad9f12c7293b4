import { parseQuery, type QueryNode } from '@radar/core';
import { compileWhere, ftsExpression, ftsPlan, ftsString, rankingExpression } from './fts-compiler';
import { buildSnippet, escapeHtml, highlightUnits } from './snippet';

const term = (value: string, prefix = false, field?: 'title' | 'summary' | 'body'): QueryNode =>
  field ? { kind: 'term', value, prefix, field } : { kind: 'term', value, prefix };

describe('FTS5 expressions', () => {
  it('quotes every token as an FTS5 string', () => {
    expect(ftsString('a"b')).toBe('"a""b"');
    expect(ftsExpression({ kind: 'term', value: 'reactor', prefix: false })).toBe('"reactor"');
    expect(ftsExpression({ kind: 'term', value: 'NEAR', prefix: false })).toBe('"near"');
    expect(ftsExpression({ kind: 'term', value: 'semicond', prefix: true })).toBe('"semicond" *');
    expect(ftsExpression({ kind: 'term', value: 'u.s', prefix: false })).toBe('"u" + "s"');
    expect(ftsExpression({ kind: 'term', value: '"*)', prefix: false })).toBeNull();
  });

  it('phrases, proximity and field restriction', () => {
    expect(ftsExpression({ kind: 'phrase', words: ['spent', 'fuel'] })).toBe('"spent" + "fuel"');
    expect(ftsExpression({ kind: 'phrase', words: ['spent', 'fuel'], slop: 3 })).toBe('NEAR("spent" "fuel", 3)');
    expect(ftsExpression({ kind: 'phrase', words: ['spent'], slop: 3 })).toBe('"spent"');
    expect(ftsExpression({ kind: 'phrase', words: ['spent', 'fuel'], field: 'title' })).toBe(
      '{title} : "spent" + "fuel"',
    );
    expect(ftsExpression({ kind: 'term', value: 'québec', prefix: false, field: 'body' })).toBe('{body} : "quebec"');
  });
});

describe('compileWhere', () => {
  it('binds every value and parenthesises boolean structure', () => {
    const q: QueryNode = {
      kind: 'or',
      children: [
        term('reactor'),
        { kind: 'not', child: { kind: 'keyword', field: 'sector', value: "Nuclear' OR 1=1" } },
      ],
    };
    const { sql, params } = compileWhere(q);
    expect(sql).toBe(
      '(d.doc_key IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?) OR (NOT EXISTS (SELECT 1 FROM doc_tags t WHERE t.field = ? AND t.value = ? AND t.doc_key = d.doc_key)))',
    );
    expect(params).toEqual(['"reactor"', 'sector', "nuclear' or 1=1"]);
  });

  it('empty AND is everything, empty OR is nothing, untokenisable text matches nothing', () => {
    expect(compileWhere({ kind: 'and', children: [] }).sql).toBe('1');
    expect(compileWhere({ kind: 'or', children: [] }).sql).toBe('0');
    expect(compileWhere(term('&&')).sql).toBe('0');
  });

  it('normalises range bounds to ISO instants; an unparsable bound matches nothing', () => {
    expect(compileWhere({ kind: 'range', field: 'published', gte: '2026-01-01', lt: '2026-02-01T00:00:00Z' })).toEqual({
      sql: "(d.published_at <> '' AND d.published_at >= ? AND d.published_at < ?)",
      params: ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    });
    expect(compileWhere({ kind: 'range', field: 'published', gte: 'tomorrow' }).sql).toBe('0');
  });

  it('ranks by the OR of positive text leaves only', () => {
    const q: QueryNode = {
      kind: 'and',
      children: [
        term('reactor', false, 'title'),
        { kind: 'not', child: term('rural') },
        { kind: 'not', child: { kind: 'not', child: term('cask') } },
        { kind: 'keyword', field: 'type', value: 'rule' },
      ],
    };
    expect(rankingExpression(q)).toBe('({title} : "reactor") OR ("cask")');
    expect(rankingExpression({ kind: 'keyword', field: 'type', value: 'rule' })).toBeNull();
  });
});

describe('ftsPlan (the relevance plan FTS5 drives)', () => {
  it('a pure full-text query: its total is its match count, its first tier the title and summary hits', () => {
    expect(ftsPlan(parseQuery('reactor "spent fuel" -rural'))).toEqual({
      match: '(("reactor") AND ("spent" + "fuel")) NOT ("rural")',
      count: '(("reactor") AND ("spent" + "fuel")) NOT ("rural")',
      head: '{title summary} : (("reactor") OR ("spent" + "fuel"))',
    });
  });

  it('keyword conditions become one key set read from doc_tags; other conditions are checked per row', () => {
    const plan = ftsPlan(parseQuery('reactor (sector:nuclear OR sector:grid) type:Rule published:>=2026-01-01'));
    expect(plan?.match).toBe('"reactor"');
    expect(plan?.count).toBeUndefined();
    expect(plan?.keys).toEqual({
      sql:
        'SELECT doc_key FROM (SELECT doc_key FROM (SELECT doc_key FROM doc_tags WHERE field = ? AND value = ?) UNION ' +
        'SELECT doc_key FROM (SELECT doc_key FROM doc_tags WHERE field = ? AND value = ?)) INTERSECT ' +
        'SELECT doc_key FROM (SELECT doc_key FROM doc_tags WHERE field = ? AND value = ?)',
      params: ['sector', 'nuclear', 'sector', 'grid', 'type', 'rule'],
    });
    expect(plan?.exclude).toBeUndefined();
    expect(plan?.residual).toEqual({
      sql: "(d.published_at <> '' AND d.published_at >= ?)",
      params: ['2026-01-01T00:00:00.000Z'],
    });
  });

  it('without a keyword condition the key set is the documents that satisfy the rest', () => {
    const plan = ftsPlan(parseQuery('reactor -sector:grid'));
    expect(plan?.keys?.sql).toBe(
      'SELECT d.doc_key FROM documents d WHERE (NOT d.doc_key IN (SELECT t.doc_key FROM doc_tags t WHERE t.field = ? AND t.value = ?))',
    );
    expect(plan?.residual).toBeUndefined();
  });

  it('NOT below the top level: ranked by the positive leaves, dropping the rows the full query rejects', () => {
    expect(ftsPlan(parseQuery('a OR b -c'))).toEqual({
      match: '("a") OR ("b")',
      count: '("a") OR (("b") NOT ("c"))',
      keys: {
        sql: 'SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?',
        params: ['(("a") OR ("b")) NOT (("a") OR (("b") NOT ("c")))'],
      },
      exclude: true,
      head: '({title summary} : (("a") OR ("b"))) OR (("a") AND ("b"))',
    });
  });

  it('an OR: hits that match two of its terms join the first tier (up to five terms)', () => {
    expect(ftsPlan(parseQuery('reactor OR cask OR "spent fuel"'))?.head).toBe(
      '({title summary} : (("reactor") OR ("cask") OR ("spent" + "fuel"))) OR (("reactor") AND ("cask")) OR ' +
        '(("reactor") AND ("spent" + "fuel")) OR (("cask") AND ("spent" + "fuel"))',
    );
    expect(ftsPlan(parseQuery('a OR b OR c OR d OR e OR f'))?.head).toBe(
      '{title summary} : (("a") OR ("b") OR ("c") OR ("d") OR ("e") OR ("f"))',
    );
  });

  it('no plan for queries without positive text', () => {
    expect(ftsPlan(parseQuery('sector:nuclear'))).toBeNull();
    expect(ftsPlan(parseQuery('-reactor'))).toBeNull();
  });
});

describe('snippets', () => {
  const doc = {
    title: 'Spent fuel rule',
    summary: 'Utilities spent heavily on fuel; <b>spent fuel</b> storage & casks.',
    body: '',
  };

  it('marks phrase occurrences only where the words are consecutive, and escapes the rest', () => {
    const snippet = buildSnippet(doc, highlightUnits({ kind: 'phrase', words: ['spent', 'fuel'] }));
    expect(snippet).toBe(
      'Utilities spent heavily on fuel; &lt;b&gt;<mark>spent</mark> <mark>fuel</mark>&lt;/b&gt; storage &amp; casks.',
    );
  });

  it('respects field restrictions', () => {
    expect(buildSnippet(doc, highlightUnits(term('rule', false, 'title')))).toBe('Spent fuel <mark>rule</mark>');
  });

  it('escapes all HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
