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
  /** Position of the subscription in id order. */
  order: number;
  /** The last `match` call that took this entry as a candidate. */
  seen: number;
}

/** A word's key is the word itself (a token never holds U+0000); a keyword value's starts with U+0000. */
const termKey = (token: string): string => token;
const keywordKey = (field: KeywordField, value: string): string => `\u0000${field}\u0000${keywordValue(value)}`;

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
  private calls = 0;

  constructor(subscriptions: Iterable<Subscription>) {
    const now = Date.now();
    const byId = [...subscriptions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const [order, sub] of byId.entries()) {
      const ast = parseSubscriptionQuery(sub.query);
      if (ast === null) continue; // never matches
      const entry: Entry = {
        sub,
        ast,
        expiresAt: hasRange(ast) ? now + RANGE_QUERY_TTL_MS : Number.POSITIVE_INFINITY,
        order,
        seen: 0,
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
    // Candidates: the queries without keys, and those under a key the document has (every word of
    // every text field, every keyword value), each once (marked with this call's number).
    const call = ++this.calls;
    const candidates: Entry[] = [...this.always];
    const take = (list: Entry[] | undefined): void => {
      if (list === undefined) return;
      for (const e of list) {
        if (e.seen === call) continue;
        e.seen = call;
        candidates.push(e);
      }
    };
    for (const field of Object.values(prepared.text)) {
      for (const t of field.positions.keys()) take(this.byKey.get(termKey(t)));
    }
    for (const [field, values] of Object.entries(prepared.keywords) as [KeywordField, ReadonlySet<string>][]) {
      for (const v of values) take(this.byKey.get(keywordKey(field, v)));
    }
    const now = Date.now();
    const out: Entry[] = [];
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
      if (matched) out.push(entry);
    }
    return out.sort((a, b) => a.order - b.order).map((e) => e.sub);
  }
}
