/**
 * The query language's syntax tree. One parser produces it; the SQLite and Elasticsearch
 * adapters compile it and `matchesDocument` evaluates it in memory for subscriptions.
 */

/** Fields that filter on an exact (case-insensitive) keyword of the document. */
export const KEYWORD_FIELDS = ['sector', 'area', 'goal', 'type', 'agency', 'source', 'event', 'priority'] as const;
export type KeywordField = (typeof KEYWORD_FIELDS)[number];

/** Free-text fields a word or phrase can be restricted to (`title:reactor`). */
export const TEXT_FIELDS = ['title', 'summary', 'body'] as const;
export type QueryTextField = (typeof TEXT_FIELDS)[number];

export type QueryNode =
  /** The empty query: every document. */
  | { kind: 'all' }
  /** A word, lower-cased; `prefix` for `word*`. `field` restricts it to one text field. */
  | { kind: 'term'; value: string; prefix: boolean; field?: QueryTextField }
  /** Consecutive words (`"a b c"`), lower-cased tokens; `slop` for `"a b"~5` (words within N). */
  | { kind: 'phrase'; words: string[]; slop?: number; field?: QueryTextField }
  /** `sector:nuclear-energy`; value lower-cased. */
  | { kind: 'keyword'; field: KeywordField; value: string }
  /** `published:>=2026-01-01`, `published:[a TO b]`, `published:>now-7d`; bounds are ISO instants. */
  | { kind: 'range'; field: 'published'; gte?: string; gt?: string; lte?: string; lt?: string }
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode };

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the query string where the problem is. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'QuerySyntaxError';
  }
}
