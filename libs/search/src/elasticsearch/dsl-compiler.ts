/**
 * Compiles the query AST to Elasticsearch query DSL. Pure: no client, no I/O. The same
 * compiled query filters searches, counts, and is stored as each subscription's percolator
 * query, so a subscription matches a document exactly when a search for its query finds it.
 *
 * Text leaves are tokenised here with the shared tokenizer (the one FTS5 and the in-memory
 * evaluator follow) and sent as tokens:
 * - term `reactor` → `match_phrase` of its tokens (a term the tokenizer splits, `u.s`, is a
 *   phrase, as in FTS5); with no field, a `bool.should` over title, summary and body, so a
 *   phrase never spans two fields.
 * - prefix `react*` → `prefix` on the field; a multi-token prefix → `span_near` (in order, slop 0)
 *   ending in a `span_multi` prefix.
 * - phrase `"spent fuel"` → `match_phrase`.
 * - proximity `"spent fuel"~3` → `span_near` with `in_order: false` and `slop: 3` over the
 *   distinct words. This is FTS5 `NEAR(..., 3)`: any order, at most 3 other tokens between the
 *   first and last word. (`match_phrase` with slop would be order-sensitive edit distance,
 *   which is a different, narrower match; we do not use it.)
 * - keyword `sector:x` → `term` on `sector.norm` (lower-cased, trimmed on both sides).
 * - range `published:…` → `range` on `publishedAt` (undated documents have none and never match).
 * - and/or/not → `bool` filter / should (minimum 1) / must_not.
 */
import type { estypes } from '@elastic/elasticsearch';
import { TEXT_FIELDS, type QueryNode, type QueryTextField } from '@radar/core';
import { keywordValue, leafTokens, positiveTextLeaves, sortableInstant, type TextLeaf } from '../sqlite/fts-compiler';
import { KEYWORD_INDEX_FIELD } from './mappings';

type Query = estypes.QueryDslQueryContainer;

export const MATCH_ALL: Query = { match_all: {} };
export const MATCH_NONE: Query = { match_none: {} };

/** Relevance weights per field (as the SQLite adapter's bm25 weights: title, summary, body). */
export const FIELD_BOOST: Record<QueryTextField, number> = { title: 10, summary: 4, body: 1 };

function fieldsOf(field: QueryTextField | undefined): readonly QueryTextField[] {
  if (field === undefined) return TEXT_FIELDS;
  if (!(TEXT_FIELDS as readonly string[]).includes(field)) throw new Error(`Unknown text field: ${String(field)}`);
  return [field];
}

/** The query for one text leaf in one field; `null` when the leaf can match nothing. */
export function textLeafInField(leaf: TextLeaf, field: QueryTextField, boost?: number): Query | null {
  const tokens = leafTokens(leaf);
  if (tokens.length === 0) return null;
  const withBoost = <T extends object>(q: T): T => (boost === undefined ? q : { ...q, boost });
  if (leaf.kind === 'term' && leaf.prefix) {
    if (tokens.length === 1) return { prefix: { [field]: withBoost({ value: tokens[0] }) } };
    const clauses: estypes.QueryDslSpanQuery[] = tokens.slice(0, -1).map((t) => ({ span_term: { [field]: t } }));
    clauses.push({ span_multi: { match: { prefix: { [field]: { value: tokens[tokens.length - 1] } } } } });
    return { span_near: withBoost({ clauses, slop: 0, in_order: true }) };
  }
  if (leaf.kind === 'phrase' && leaf.slop !== undefined && tokens.length > 1) {
    const distinct = [...new Set(tokens)];
    if (distinct.length > 1) {
      return {
        span_near: withBoost({
          clauses: distinct.map((t) => ({ span_term: { [field]: t } })),
          slop: Math.max(0, Math.floor(leaf.slop)),
          in_order: false,
        }),
      };
    }
    return { match_phrase: { [field]: withBoost({ query: distinct[0] }) } };
  }
  return { match_phrase: { [field]: withBoost({ query: tokens.join(' ') }) } };
}

function textLeaf(leaf: TextLeaf, boosted: boolean): Query {
  const parts = fieldsOf(leaf.field)
    .map((f) => textLeafInField(leaf, f, boosted ? FIELD_BOOST[f] : undefined))
    .filter((q): q is Query => q !== null);
  if (parts.length === 0) return MATCH_NONE;
  if (parts.length === 1) return parts[0];
  return { bool: { should: parts, minimum_should_match: 1 } };
}

/** A query that matches exactly the documents the AST matches (scores are not meaningful). */
export function compileQuery(node: QueryNode): Query {
  switch (node.kind) {
    case 'all':
      return MATCH_ALL;
    case 'term':
    case 'phrase':
      return textLeaf(node, false);
    case 'keyword': {
      const field = KEYWORD_INDEX_FIELD[node.field];
      if (field === undefined) throw new Error(`Unknown keyword field: ${String(node.field)}`);
      return { term: { [`${field}.norm`]: keywordValue(node.value) } };
    }
    case 'range': {
      const range: estypes.QueryDslDateRangeQuery = {};
      for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
        const value = node[op];
        if (value === undefined) continue;
        const instant = sortableInstant(value);
        if (instant === null) return MATCH_NONE;
        range[op] = instant;
      }
      // An open range still requires a date (as in SQLite and the evaluator).
      return Object.keys(range).length === 0 ? { exists: { field: 'publishedAt' } } : { range: { publishedAt: range } };
    }
    case 'and':
      if (node.children.length === 0) return MATCH_ALL;
      if (node.children.length === 1) return compileQuery(node.children[0]);
      return { bool: { filter: node.children.map(compileQuery) } };
    case 'or':
      if (node.children.length === 0) return MATCH_NONE;
      if (node.children.length === 1) return compileQuery(node.children[0]);
      return { bool: { should: node.children.map(compileQuery), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [compileQuery(node.child)] } };
    default: {
      const unknown: never = node;
      throw new Error(`Unknown query node: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The scoring query: the OR of the positive text leaves, field-boosted; `null` when the query
 * has none (every hit then scores 0 and relevance falls back to newest first). Also the
 * highlight query, so words under a NOT are never marked.
 */
export function rankingQuery(node: QueryNode): Query | null {
  const seen = new Set<string>();
  const parts: Query[] = [];
  for (const leaf of positiveTextLeaves(node)) {
    const q = textLeaf(leaf, true);
    const key = JSON.stringify(q);
    if (q === MATCH_NONE || seen.has(key)) continue;
    seen.add(key);
    parts.push(q);
  }
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0];
  return { bool: { should: parts, minimum_should_match: 1 } };
}

/** The search query: the AST as a filter (exact match set), scored by the ranking query. */
export function searchQuery(node: QueryNode): Query {
  const filter = compileQuery(node);
  const rank = rankingQuery(node);
  if (rank === null) return { bool: { filter: [filter] } };
  return { bool: { filter: [filter], should: [rank] } };
}
