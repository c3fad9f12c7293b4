/**
 * Compiles the query AST to a SQL `WHERE` fragment over `documents d`, with FTS5 MATCH
 * expressions for the text leaves. Pure: no database access. User text only ever reaches SQL
 * as a bound parameter; inside an FTS5 expression every token is a quoted FTS5 string.
 */
import { TEXT_FIELDS, tokenize, type KeywordField, type QueryNode, type QueryTextField } from '@radar/core';

export type SqlValue = string | number;

export interface SqlFragment {
  sql: string;
  params: SqlValue[];
}

/** A free-text leaf of the AST. */
export type TextLeaf = Extract<QueryNode, { kind: 'term' } | { kind: 'phrase' }>;

/** Matches every document / no document; never NULL, so `NOT` stays two-valued. */
const TRUE: SqlFragment = { sql: '1', params: [] };
const FALSE: SqlFragment = { sql: '0', params: [] };

/** Quote one token as an FTS5 string (`"` doubled inside). */
export function ftsString(token: string): string {
  return `"${token.replace(/"/g, '""')}"`;
}

/** The folded tokens of a leaf, exactly as the FTS5 tokenizer would see them. */
export function leafTokens(leaf: TextLeaf): string[] {
  const text = leaf.kind === 'term' ? leaf.value : leaf.words.join(' ');
  return tokenize(text).map((t) => t.value);
}

function columnFilter(field: QueryTextField | undefined): string {
  if (field === undefined) return '';
  if (!(TEXT_FIELDS as readonly string[]).includes(field)) {
    throw new Error(`Unknown text field: ${String(field)}`);
  }
  return `{${field}} : `;
}

/**
 * The FTS5 expression for one text leaf, or `null` when the leaf can match nothing (no
 * token survives tokenisation).
 *
 * - term `reactor` → `"reactor"`; prefix `react*` → `"react" *`
 * - a term the tokenizer splits (`u.s`) is matched as the phrase of its tokens
 * - phrase → `"spent" + "fuel"`; with slop → `NEAR("spent" "fuel", 3)`
 * - field → `{title} : …`
 */
export function ftsExpression(leaf: TextLeaf): string | null {
  const tokens = leafTokens(leaf);
  if (tokens.length === 0) return null;
  const quoted = tokens.map(ftsString);
  const prefix = leaf.kind === 'term' && leaf.prefix;
  if (prefix) quoted[quoted.length - 1] += ' *';
  let body: string;
  if (leaf.kind === 'phrase' && leaf.slop !== undefined && tokens.length > 1) {
    const slop = Math.max(0, Math.floor(leaf.slop));
    body = `NEAR(${quoted.join(' ')}, ${slop})`;
  } else {
    body = quoted.join(' + ');
  }
  return columnFilter(leaf.field) + body;
}

/** Where each keyword field's values live in the `doc_tags` table. */
export const KEYWORD_TAG: Record<KeywordField, string> = {
  sector: 'sector',
  area: 'area',
  goal: 'goal',
  type: 'type',
  agency: 'agency',
  source: 'source',
  event: 'event',
  priority: 'priority',
};

/** Keyword values compare trimmed and case-insensitively: both sides are normalised. */
export function keywordValue(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * ISO instants compare as strings once normalised to `toISOString()` form; `null` when the
 * value is not a date (such a document never matches a range, as in the in-memory evaluator).
 */
export function sortableInstant(value: string | undefined): string | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function textLeafSql(leaf: TextLeaf): SqlFragment {
  const expr = ftsExpression(leaf);
  if (expr === null) return FALSE;
  return { sql: 'd.doc_key IN (SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?)', params: [expr] };
}

function join(op: 'AND' | 'OR', parts: SqlFragment[], empty: SqlFragment): SqlFragment {
  if (parts.length === 0) return empty;
  if (parts.length === 1) return parts[0];
  return {
    sql: `(${parts.map((p) => p.sql).join(` ${op} `)})`,
    params: parts.flatMap((p) => p.params),
  };
}

/**
 * A SQL boolean expression over `documents d` that is true exactly for matching documents.
 *
 * `tagSets`: keyword leaves test membership in the tag's document list (`d.doc_key IN (SELECT
 * ...)`, built once per statement) instead of a correlated `EXISTS` probe per row. Same result;
 * cheaper when many rows are tested (or when the list can drive the plan), dearer when a very
 * common tag is tested on a few rows.
 */
export function compileWhere(node: QueryNode, tagSets = false): SqlFragment {
  const sub = (n: QueryNode): SqlFragment => compileWhere(n, tagSets);
  switch (node.kind) {
    case 'all':
      return TRUE;
    case 'term':
    case 'phrase':
      return textLeafSql(node);
    case 'keyword': {
      const tag = KEYWORD_TAG[node.field];
      if (tag === undefined) throw new Error(`Unknown keyword field: ${String(node.field)}`);
      if (tagSets) {
        return {
          sql: 'd.doc_key IN (SELECT t.doc_key FROM doc_tags t WHERE t.field = ? AND t.value = ?)',
          params: [tag, keywordValue(node.value)],
        };
      }
      return {
        sql: 'EXISTS (SELECT 1 FROM doc_tags t WHERE t.field = ? AND t.value = ? AND t.doc_key = d.doc_key)',
        params: [tag, keywordValue(node.value)],
      };
    }
    case 'range': {
      // Undated documents are stored with published_at = '' and never match a range.
      const parts: SqlFragment[] = [{ sql: "d.published_at <> ''", params: [] }];
      const bounds: [string, string | undefined][] = [
        ['>=', node.gte],
        ['>', node.gt],
        ['<=', node.lte],
        ['<', node.lt],
      ];
      for (const [op, value] of bounds) {
        if (value === undefined) continue;
        const instant = sortableInstant(value);
        if (instant === null) return FALSE;
        parts.push({ sql: `d.published_at ${op} ?`, params: [instant] });
      }
      return join('AND', parts, TRUE);
    }
    case 'and':
      return join('AND', node.children.map(sub), TRUE);
    case 'or':
      return join('OR', node.children.map(sub), FALSE);
    case 'not': {
      const inner = sub(node.child);
      return { sql: `(NOT ${inner.sql})`, params: inner.params };
    }
    default: {
      const unknown: never = node;
      throw new Error(`Unknown query node: ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Text leaves that count for the match (under an even number of NOTs): they drive relevance
 * scoring and highlighting. Leaves under a NOT never contribute.
 */
export function positiveTextLeaves(node: QueryNode, negated = false, out: TextLeaf[] = []): TextLeaf[] {
  switch (node.kind) {
    case 'term':
    case 'phrase':
      if (!negated) out.push(node);
      break;
    case 'and':
    case 'or':
      for (const child of node.children) positiveTextLeaves(child, negated, out);
      break;
    case 'not':
      positiveTextLeaves(node.child, !negated, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * The FTS5 expression whose bm25 ranks a result set: the OR of the positive text leaves, or
 * `null` when the query has none (keyword/range/all queries; every hit scores 0).
 */
export function rankingExpression(node: QueryNode): string | null {
  const exprs = [...new Set(positiveTextLeaves(node).map(ftsExpression))].filter((e): e is string => e !== null);
  if (exprs.length === 0) return null;
  if (exprs.length === 1) return exprs[0];
  return exprs.map((e) => `(${e})`).join(' OR ');
}

/** True when the AST has a range node (its bounds may come from a relative `now-7d`). */
export function hasRange(node: QueryNode): boolean {
  switch (node.kind) {
    case 'range':
      return true;
    case 'and':
    case 'or':
      return node.children.some(hasRange);
    case 'not':
      return hasRange(node.child);
    default:
      return false;
  }
}

/** A text leaf, or an OR of such: safe to negate inside FTS5 (no matched row holds its phrases). */
function isLeafDisjunction(node: QueryNode): boolean {
  if (node.kind === 'term' || node.kind === 'phrase') return true;
  return node.kind === 'or' && node.children.length > 0 && node.children.every(isLeafDisjunction);
}

/**
 * The FTS5 expression of a node made only of text leaves, AND and OR (a nested AND may not hold
 * a NOT), or `undefined` when the node needs SQL (keywords, ranges, untokenisable text...).
 */
function ftsOnly(node: QueryNode, allowNot = false): string | undefined {
  switch (node.kind) {
    case 'term':
    case 'phrase':
      return ftsExpression(node) ?? undefined;
    case 'and': {
      if (!allowNot || !node.children.some((c) => c.kind === 'not')) break;
      const pos: string[] = [];
      const neg: string[] = [];
      for (const c of node.children) {
        const e = c.kind === 'not' ? ftsOnly(c.child, true) : ftsOnly(c, true);
        if (e === undefined) return undefined;
        (c.kind === 'not' ? neg : pos).push(e);
      }
      if (pos.length === 0) return undefined;
      let expr = pos.length === 1 ? pos[0] : pos.map((p) => `(${p})`).join(' AND ');
      for (const n of neg) expr = `(${expr}) NOT (${n})`;
      return expr;
    }
    default:
      break;
  }
  switch (node.kind) {
    case 'and':
    case 'or': {
      if (node.children.length === 0) return undefined;
      const parts = node.children.map((c) => ftsOnly(c, allowNot));
      if (parts.some((p) => p === undefined)) return undefined;
      if (parts.length === 1) return parts[0];
      return parts.map((p) => `(${p})`).join(` ${node.kind.toUpperCase()} `);
    }
    default:
      return undefined;
  }
}

/**
 * A relevance plan that FTS5 can drive: `match` is one FTS5 expression that every hit matches,
 * and whose bm25 (with the adapter's weights) equals the score of `rankingExpression` for every
 * hit; the remaining top-level AND conditions (keywords, ranges...), none of them with positive
 * text, become `keys` and `residual`. The page is then the best-scored rows of the full-text
 * match that pass those, instead of scoring and sorting every document.
 *
 * Why the scores agree: FTS5's bm25 sums, per phrase of the expression, an IDF that depends only
 * on that phrase and a term frequency taken from the row; the positive phrases are exactly the
 * ranking expression's, in the same order, each once, and negated phrases (a leaf or an OR of
 * leaves under a top-level NOT) never occur in a matching row, so they add 0.
 *
 * `null` when the query does not have that shape (the adapter then uses its general plan).
 */
export function ftsPlan(node: QueryNode): FtsPlan | null {
  const strict = strictFtsPlan(node);
  if (strict !== null) return strict;
  // A pure full-text query with NOT below the top level (`a OR b -c` is `a OR (b NOT c)`): its
  // negated phrases may occur in rows matched through another branch, so FTS5's rank over it
  // could differ. Rank by the ranking expression instead (every hit matches it) and keep the rows
  // the full expression matches.
  const full = ftsOnly(node, true);
  const rank = rankingExpression(node);
  if (full === undefined || rank === null) return null;
  const leaves = [...new Set(positiveTextLeaves(node).map(ftsExpression))].filter((e): e is string => e !== null);
  // The rows to drop are the ranking expression's matches that the full one rejects: usually few
  // (`b NOT c` rows that contain `c` and not `a`), where the rows to keep are nearly all of them.
  return {
    match: rank,
    count: full,
    keys: { sql: 'SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?', params: [`(${rank}) NOT (${full})`] },
    exclude: true,
    head: headExpression(leaves, true),
  };
}

export interface FtsPlan {
  /** The FTS5 expression every hit matches; its bm25 (the adapter's weights) is the hit's score. */
  match: string;
  /** An FTS5 expression whose match count is the total (when nothing else is checked per row). */
  count?: string;
  /**
   * A `SELECT` of document keys that filters the full-text stream by set membership over the FTS
   * rowid alone (no `documents` lookup or tag probe per match): the documents to keep, or with
   * `exclude` the documents to drop. Keyword conditions read the `doc_tags` index directly.
   */
  keys?: SqlFragment;
  exclude?: boolean;
  /**
   * Conditions over `documents d` (dates, negated keywords...) checked per row, only for rows
   * that passed `keys`. Absent when `keys` is the whole filter.
   */
  residual?: SqlFragment;
  /**
   * The first tier of a broad query, as an expression that the adapter only tests hits against
   * (so it leaves `match` out: repeating it cost one more evaluation of the whole query): the
   * hits with a positive term in the title or summary, and when a hit may match only some of the
   * positive terms (an OR), also the hits that match at least two of them. With weights 10/4/1 a
   * title or summary occurrence counts as 10 or 4 body occurrences, and bm25 adds up the terms a
   * hit matches, so these hits hold the top of the bm25 order in practice (see the search
   * benchmark's agreement figures); the adapter ranks them before the rest.
   */
  head: string;
}

/** Up to this many positive terms, "matches at least two of them" joins the first tier. */
const MAX_PAIRED_LEAVES = 5;

function headExpression(leaves: readonly string[], alternatives: boolean): string {
  const any = leaves.map((l) => `(${l})`).join(' OR ');
  const tiers = [`{title summary} : (${any})`];
  if (alternatives && leaves.length > 1 && leaves.length <= MAX_PAIRED_LEAVES) {
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) tiers.push(`(${leaves[i]}) AND (${leaves[j]})`);
    }
  }
  return tiers.length === 1 ? tiers[0] : tiers.map((t) => `(${t})`).join(' OR ');
}

/** A keyword condition, or an OR of such: its documents can be read from the `doc_tags` index. */
function isTagSet(node: QueryNode): boolean {
  if (node.kind === 'keyword') return true;
  return node.kind === 'or' && node.children.length > 0 && node.children.every(isTagSet);
}

/** The `SELECT doc_key` of a tag set (see `isTagSet`), straight from `doc_tags`' primary key. */
function tagSetSql(node: QueryNode): SqlFragment {
  if (node.kind === 'keyword') {
    const tag = KEYWORD_TAG[node.field];
    if (tag === undefined) throw new Error(`Unknown keyword field: ${String(node.field)}`);
    return {
      sql: 'SELECT doc_key FROM doc_tags WHERE field = ? AND value = ?',
      params: [tag, keywordValue(node.value)],
    };
  }
  if (node.kind !== 'or') throw new Error(`Not a tag set: ${node.kind}`);
  return compound('UNION', node.children.map(tagSetSql));
}

function compound(op: 'UNION' | 'INTERSECT', parts: SqlFragment[]): SqlFragment {
  if (parts.length === 1) return parts[0];
  return {
    sql: parts.map((p) => `SELECT doc_key FROM (${p.sql})`).join(` ${op} `),
    params: parts.flatMap((p) => p.params),
  };
}

function strictFtsPlan(node: QueryNode): FtsPlan | null {
  const children = node.kind === 'and' ? node.children : [node];
  const positive: string[] = [];
  const negative: string[] = [];
  const rest: QueryNode[] = [];
  for (const child of children) {
    if (child.kind === 'not' && isLeafDisjunction(child.child)) {
      const expr = ftsOnly(child.child);
      if (expr !== undefined) {
        negative.push(expr);
        continue;
      }
    } else if (child.kind !== 'not') {
      const expr = ftsOnly(child);
      if (expr !== undefined) {
        positive.push(expr);
        continue;
      }
    }
    rest.push(child);
  }
  if (positive.length === 0) return null;
  if (rest.some((r) => positiveTextLeaves(r).length > 0)) return null;
  const exprs = positiveTextLeaves(node).map(ftsExpression);
  const leaves = exprs.filter((l): l is string => l !== null);
  if (leaves.length !== exprs.length || new Set(leaves).size !== leaves.length) return null;
  let match = positive.length === 1 ? positive[0] : positive.map((p) => `(${p})`).join(' AND ');
  for (const n of negative) match = `(${match}) NOT (${n})`;
  // A hit may match only some of the positive terms when the one positive part holds an OR.
  const head = headExpression(leaves, positive.length === 1);
  if (compileWhere({ kind: 'and', children: rest }).sql === '1') return { match, count: match, head };
  // Keyword conditions (and ORs of them) become one key set read from `doc_tags` alone; anything
  // else is checked per row on the documents that set admits. Without a keyword condition the
  // key set is the documents that satisfy the rest.
  const tags = rest.filter(isTagSet);
  const others = rest.filter((r) => !isTagSet(r));
  if (tags.length === 0) {
    const sets = compileWhere({ kind: 'and', children: rest }, true);
    return { match, head, keys: { sql: `SELECT d.doc_key FROM documents d WHERE ${sets.sql}`, params: sets.params } };
  }
  const plan: FtsPlan = { match, head, keys: compound('INTERSECT', tags.map(tagSetSql)) };
  if (others.length > 0) plan.residual = compileWhere({ kind: 'and', children: others });
  return plan;
}
