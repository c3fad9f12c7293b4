import type { QueryNode } from '@radar/core';
import { compileWhere, ftsExpression, ftsString, rankingExpression } from './fts-compiler';
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
