/**
 * In-memory evaluation of a `QueryNode` against one document, for subscriptions: a new
 * document is prepared once (`prepareDocument`) and then matched against every saved query.
 *
 * Text matching uses the same tokeniser as the query parser (`words` from ../text, the mirror
 * of FTS5 `unicode61 remove_diacritics 2`), so a subscription matches a document exactly when
 * a search for the same query finds it.
 */
import type { RadarDocument } from '../document';
import { firstAtLeast } from '../sorted';
import { words } from '../text';
import { TEXT_FIELDS, type KeywordField, type QueryNode, type QueryTextField } from './ast';

export type MatchableDocument = Pick<
  RadarDocument,
  | 'title'
  | 'summary'
  | 'body'
  | 'subSectors'
  | 'focusAreas'
  | 'advocacyGoals'
  | 'docType'
  | 'agencies'
  | 'sourceId'
  | 'policyEvents'
  | 'priority'
  | 'publishedAt'
>;

/** One text field, tokenised and indexed. */
export interface PreparedField {
  /** Folded tokens in order. */
  readonly tokens: readonly string[];
  /** Token -> its positions in `tokens`, ascending. */
  readonly positions: ReadonlyMap<string, readonly number[]>;
  /** Distinct tokens in ascending code-unit order, for prefix lookups. */
  readonly sortedTokens: readonly string[];
}

export interface PreparedDocument {
  readonly text: Readonly<Record<QueryTextField, PreparedField>>;
  /** Keyword values, trimmed and lower-cased. */
  readonly keywords: Readonly<Record<KeywordField, ReadonlySet<string>>>;
  /** `publishedAt` in epoch milliseconds; NaN when it is not a date. */
  readonly publishedAt: number;
}

function prepareField(text: string): PreparedField {
  const tokens = words(text);
  const positions = new Map<string, number[]>();
  tokens.forEach((token, i) => {
    const list = positions.get(token);
    if (list === undefined) positions.set(token, [i]);
    else list.push(i);
  });
  const sortedTokens = [...positions.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { tokens, positions, sortedTokens };
}

function keyword(value: string): string {
  return value.trim().toLowerCase();
}

function keywordSet(values: readonly string[]): ReadonlySet<string> {
  return new Set(values.map(keyword));
}

/** Tokenises each text field once and collects the keyword values. */
export function prepareDocument(doc: MatchableDocument): PreparedDocument {
  const keywords: Record<KeywordField, ReadonlySet<string>> = {
    sector: keywordSet(doc.subSectors.map((t) => t.id)),
    area: keywordSet(doc.focusAreas),
    goal: keywordSet(doc.advocacyGoals.map((t) => t.id)),
    type: keywordSet([doc.docType]),
    agency: keywordSet(doc.agencies),
    source: keywordSet([doc.sourceId]),
    event: keywordSet(doc.policyEvents.map((e) => e.kind)),
    priority: keywordSet([doc.priority]),
  };
  return {
    text: { title: prepareField(doc.title), summary: prepareField(doc.summary), body: prepareField(doc.body) },
    keywords,
    publishedAt: Date.parse(doc.publishedAt),
  };
}

function fieldsOf(doc: PreparedDocument, field: QueryTextField | undefined): PreparedField[] {
  return field === undefined ? TEXT_FIELDS.map((f) => doc.text[f]) : [doc.text[field]];
}

function hasPrefix(field: PreparedField, prefix: string): boolean {
  const sorted = field.sortedTokens;
  // First token >= prefix; every token starting with prefix sorts at or right after it.
  const i = firstAtLeast(sorted, prefix);
  return i < sorted.length && sorted[i].startsWith(prefix);
}

/** The words appear consecutively, in order. */
function hasPhrase(field: PreparedField, phrase: readonly string[]): boolean {
  const starts = field.positions.get(phrase[0]);
  if (starts === undefined) return false;
  for (const start of starts) {
    let i = 1;
    while (i < phrase.length && field.tokens[start + i] === phrase[i]) i++;
    if (i === phrase.length) return true;
  }
  return false;
}

/**
 * FTS5 `NEAR(w1 w2 ..., slop)`: some occurrence of every word, in any order, with at most
 * `slop` tokens between the first and the last of them. As in FTS5, repeated words may be
 * satisfied by the same occurrence.
 */
function hasNear(field: PreparedField, phrase: readonly string[], slop: number): boolean {
  const wanted = [...new Set(phrase)];
  if (wanted.some((w) => !field.positions.has(w))) return false;
  const index = new Map(wanted.map((w, i) => [w, i]));
  const last = new Array<number>(wanted.length).fill(-Infinity);
  const tokens = field.tokens;
  for (let p = 0; p < tokens.length; p++) {
    const k = index.get(tokens[p]);
    if (k === undefined) continue;
    last[k] = p;
    // With p as the last word of the window, the best choice for each other word is its most
    // recent occurrence; they all fit when the earliest of those is close enough.
    let earliest = p;
    for (const q of last) if (q < earliest) earliest = q;
    if (p - earliest - 1 <= slop) return true;
  }
  return false;
}

function matchesRange(node: Extract<QueryNode, { kind: 'range' }>, at: number): boolean {
  if (Number.isNaN(at)) return false;
  const bound = (value: string | undefined, ok: (b: number) => boolean): boolean => {
    if (value === undefined) return true;
    const b = Date.parse(value);
    return !Number.isNaN(b) && ok(b);
  };
  return (
    bound(node.gte, (b) => at >= b) &&
    bound(node.gt, (b) => at > b) &&
    bound(node.lte, (b) => at <= b) &&
    bound(node.lt, (b) => at < b)
  );
}

/** Whether a prepared document matches the query. */
export function matchesPrepared(node: QueryNode, doc: PreparedDocument): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'term':
      return fieldsOf(doc, node.field).some((f) =>
        node.prefix ? hasPrefix(f, node.value) : f.positions.has(node.value),
      );
    case 'phrase': {
      if (node.words.length === 0) return false;
      const slop = node.slop;
      return fieldsOf(doc, node.field).some((f) =>
        slop === undefined ? hasPhrase(f, node.words) : hasNear(f, node.words, slop),
      );
    }
    case 'keyword':
      return doc.keywords[node.field].has(keyword(node.value));
    case 'range':
      return matchesRange(node, doc.publishedAt);
    case 'and':
      return node.children.every((c) => matchesPrepared(c, doc));
    case 'or':
      return node.children.some((c) => matchesPrepared(c, doc));
    case 'not':
      return !matchesPrepared(node.child, doc);
  }
}

/** Whether a document matches the query; prepare the document once when matching many queries. */
export function matchesDocument(node: QueryNode, doc: MatchableDocument): boolean {
  return matchesPrepared(node, prepareDocument(doc));
}
