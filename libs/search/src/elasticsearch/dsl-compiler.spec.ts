import { parseQuery, type QueryNode } from '@radar/core';
import { compileQuery, rankingQuery, searchQuery } from './dsl-compiler';

const q = (input: string): QueryNode => parseQuery(input);
const anyField = (make: (field: string) => object): object => ({
  bool: { should: ['title', 'summary', 'body'].map(make), minimum_should_match: 1 },
});

describe('compileQuery (AST -> Elasticsearch DSL)', () => {
  it('all', () => {
    expect(compileQuery({ kind: 'all' })).toEqual({ match_all: {} });
  });

  it('a word is a match_phrase of its tokens in each text field (a phrase never spans fields)', () => {
    expect(compileQuery(q('Reactor'))).toEqual(anyField((f) => ({ match_phrase: { [f]: { query: 'reactor' } } })));
    expect(compileQuery(q('title:reactor'))).toEqual({ match_phrase: { title: { query: 'reactor' } } });
    // Accents fold like FTS5; a word the tokenizer splits is a phrase of its tokens.
    expect(compileQuery({ kind: 'term', value: 'québec', prefix: false, field: 'body' })).toEqual({
      match_phrase: { body: { query: 'quebec' } },
    });
    expect(compileQuery({ kind: 'term', value: 'u.s', prefix: false, field: 'body' })).toEqual({
      match_phrase: { body: { query: 'u s' } },
    });
  });

  it('prefix', () => {
    expect(compileQuery(q('title:semicond*'))).toEqual({ prefix: { title: { value: 'semicond' } } });
    expect(compileQuery({ kind: 'term', value: 'u.s*', prefix: true, field: 'title' })).toEqual({
      span_near: {
        clauses: [{ span_term: { title: 'u' } }, { span_multi: { match: { prefix: { title: { value: 's' } } } } }],
        slop: 0,
        in_order: true,
      },
    });
  });

  it('phrase and proximity (NEAR is order-free: span_near in_order false)', () => {
    expect(compileQuery(q('summary:"spent fuel"'))).toEqual({ match_phrase: { summary: { query: 'spent fuel' } } });
    expect(compileQuery(q('"spent fuel"~3'))).toEqual(
      anyField((f) => ({
        span_near: {
          clauses: [{ span_term: { [f]: 'spent' } }, { span_term: { [f]: 'fuel' } }],
          slop: 3,
          in_order: false,
        },
      })),
    );
    expect(compileQuery({ kind: 'phrase', words: ['fuel', 'fuel'], slop: 2, field: 'body' })).toEqual({
      match_phrase: { body: { query: 'fuel' } },
    });
    expect(compileQuery({ kind: 'phrase', words: ['"', ')'], field: 'body' })).toEqual({ match_none: {} });
  });

  it('keyword fields compare lower-cased and trimmed on the .norm subfield', () => {
    expect(compileQuery(q('sector:nuclear-energy'))).toEqual({ term: { 'sector.norm': 'nuclear-energy' } });
    expect(compileQuery({ kind: 'keyword', field: 'agency', value: ' U.S. Coast Guard ' })).toEqual({
      term: { 'agency.norm': 'u.s. coast guard' },
    });
    expect(compileQuery(q('type:rule'))).toEqual({ term: { 'type.norm': 'rule' } });
  });

  it('published ranges on publishedAt; open ranges require a date; bad bounds match nothing', () => {
    expect(compileQuery(q('published:>=2026-01-01'))).toEqual({
      range: { publishedAt: { gte: '2026-01-01T00:00:00.000Z' } },
    });
    expect(compileQuery({ kind: 'range', field: 'published', gt: '2026-01-01', lt: '2026-02-01T00:00:00Z' })).toEqual({
      range: { publishedAt: { gt: '2026-01-01T00:00:00.000Z', lt: '2026-02-01T00:00:00.000Z' } },
    });
    expect(compileQuery({ kind: 'range', field: 'published' })).toEqual({ exists: { field: 'publishedAt' } });
    expect(compileQuery({ kind: 'range', field: 'published', gte: "2026' OR '1'='1" })).toEqual({ match_none: {} });
  });

  it('and / or / not -> bool', () => {
    expect(compileQuery(q('title:a title:b'))).toEqual({
      bool: { filter: [{ match_phrase: { title: { query: 'a' } } }, { match_phrase: { title: { query: 'b' } } }] },
    });
    expect(compileQuery(q('sector:x OR type:rule'))).toEqual({
      bool: { should: [{ term: { 'sector.norm': 'x' } }, { term: { 'type.norm': 'rule' } }], minimum_should_match: 1 },
    });
    expect(compileQuery({ kind: 'not', child: { kind: 'keyword', field: 'sector', value: 'x' } })).toEqual({
      bool: { must_not: [{ term: { 'sector.norm': 'x' } }] },
    });
    expect(compileQuery({ kind: 'and', children: [] })).toEqual({ match_all: {} });
    expect(compileQuery({ kind: 'or', children: [] })).toEqual({ match_none: {} });
  });

  it('ranking: positive text leaves only, field-boosted; none for filter-only queries', () => {
    expect(rankingQuery(q('sector:x -reactor'))).toBeNull();
    expect(rankingQuery(q('title:reactor -body:cask'))).toEqual({
      match_phrase: { title: { query: 'reactor', boost: 10 } },
    });
    const rank = rankingQuery(q('reactor'));
    expect(rank).toEqual({
      bool: {
        should: [
          { match_phrase: { title: { query: 'reactor', boost: 10 } } },
          { match_phrase: { summary: { query: 'reactor', boost: 4 } } },
          { match_phrase: { body: { query: 'reactor', boost: 1 } } },
        ],
        minimum_should_match: 1,
      },
    });
    expect(searchQuery(q('reactor sector:x'))).toEqual({
      bool: { filter: [compileQuery(q('reactor sector:x'))], should: [rank] },
    });
    expect(searchQuery(q('sector:x'))).toEqual({ bool: { filter: [{ term: { 'sector.norm': 'x' } }] } });
  });
});
