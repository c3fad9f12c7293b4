/**
 * In-memory matching of one document against many saved queries, with a pre-filter: each query
 * is indexed under keys the document must have for the query to match (a word, or a keyword
 * field value), so a new document is evaluated only against the queries whose keys it has, plus
 * the few queries without any (`NOT x`, ranges, prefixes, the empty query).
 *
 * The pre-filter is only ever a necessary condition; the decision is always `matchesPrepared`,
 * the evaluator the conformance suite holds equal to search.
 */
import {
  matchesPrepared,
  parseQuery,
  prepareDocument,
  type KeywordField,
  type PreparedDocument,
  type QueryNode,
  type RadarDocument,
  type Subscription,
} from '@radar/core';
import { hasRange, keywordValue, leafTokens } from './sqlite/fts-compiler';

/** Parsed queries with a range are re-parsed after this long (a relative `now-7d` moves). */
const RANGE_QUERY_TTL_MS = 60_000;

interface Entry {
  sub: Subscription;
  /** `null`: the query does not parse; it never matches. */
  ast: QueryNode | null;
  expiresAt: number;
}

const termKey = (token: string): string => `t\u0000${token}`;
const keywordKey = (field: KeywordField, value: string): string => `k\u0000${field}\u0000${keywordValue(value)}`;

/**
 * Keys of which a matching document has at least one; `null` when no such set is known.
 * AND: the smallest set among its children; OR: the union, when every child has one.
 */
export function requiredKeys(node: QueryNode): string[] | null {
  switch (node.kind) {
    case 'term': {
      if (node.prefix) return null;
      const tokens = leafTokens(node);
      if (tokens.length === 0) return null;
      return [termKey(tokens.reduce((a, b) => (b.length > a.length ? b : a)))];
    }
    case 'phrase': {
      const tokens = leafTokens(node);
      if (tokens.length === 0) return null;
      return [termKey(tokens.reduce((a, b) => (b.length > a.length ? b : a)))];
    }
    case 'keyword':
      return [keywordKey(node.field, node.value)];
    case 'and': {
      let best: string[] | null = null;
      for (const child of node.children) {
        const keys = requiredKeys(child);
        if (keys !== null && (best === null || keys.length < best.length)) best = keys;
      }
      return best;
    }
    case 'or': {
      if (node.children.length === 0) return null;
      const out = new Set<string>();
      for (const child of node.children) {
        const keys = requiredKeys(child);
        if (keys === null) return null;
        for (const k of keys) out.add(k);
      }
      return [...out];
    }
    default:
      return null;
  }
}

/** The keys a prepared document has: every token of every text field and every keyword value. */
function documentKeys(doc: PreparedDocument): string[] {
  const out: string[] = [];
  const tokens = new Set<string>();
  for (const field of Object.values(doc.text)) for (const t of field.positions.keys()) tokens.add(t);
  for (const t of tokens) out.push(termKey(t));
  for (const [field, values] of Object.entries(doc.keywords) as [KeywordField, ReadonlySet<string>][]) {
    for (const v of values) out.push(keywordKey(field, v));
  }
  return out;
}

export function parseSubscriptionQuery(query: string): QueryNode | null {
  try {
    return query.trim() === '' ? { kind: 'all' } : parseQuery(query);
  } catch {
    return null;
  }
}

export class SubscriptionMatcher {
  private readonly byKey = new Map<string, Entry[]>();
  private readonly always: Entry[] = [];
  private size = 0;

  constructor(subscriptions: Iterable<Subscription>) {
    const now = Date.now();
    for (const sub of subscriptions) {
      const ast = parseSubscriptionQuery(sub.query);
      if (ast === null) continue; // never matches
      const entry: Entry = {
        sub,
        ast,
        expiresAt: hasRange(ast) ? now + RANGE_QUERY_TTL_MS : Number.POSITIVE_INFINITY,
      };
      this.size++;
      const keys = requiredKeys(ast);
      if (keys === null) {
        this.always.push(entry);
        continue;
      }
      for (const key of keys) {
        const list = this.byKey.get(key);
        if (list === undefined) this.byKey.set(key, [entry]);
        else list.push(entry);
      }
    }
  }

  get subscriptionCount(): number {
    return this.size;
  }

  /** Subscriptions whose query matches the document, by id ascending. */
  match(doc: RadarDocument): Subscription[] {
    if (this.size === 0) return [];
    const prepared = prepareDocument(doc);
    const candidates = new Set<Entry>(this.always);
    for (const key of documentKeys(prepared)) {
      const list = this.byKey.get(key);
      if (list !== undefined) for (const e of list) candidates.add(e);
    }
    const now = Date.now();
    const out: Subscription[] = [];
    for (const entry of candidates) {
      if (entry.expiresAt <= now) {
        entry.ast = parseSubscriptionQuery(entry.sub.query);
        entry.expiresAt = now + RANGE_QUERY_TTL_MS;
      }
      if (entry.ast === null) continue;
      let matched = false;
      try {
        matched = matchesPrepared(entry.ast, prepared);
      } catch {
        matched = false;
      }
      if (matched) out.push(entry.sub);
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}
