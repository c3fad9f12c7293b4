import type { RawItem } from '@radar/core';
import type { Source } from '@radar/sources';

/** What a parser knows about the response it reads. */
export interface ParseContext {
  source: Source;
  /** The URL the body came from (after redirects): the base for relative links. */
  url: string;
  contentType?: string;
  now: Date;
}

export interface ParseResult {
  feed?: { title?: string; link?: string };
  items: RawItem[];
  /** Paginated APIs: the next page to fetch, if any. */
  nextPageUrl?: string;
}

/** A body could not be read as the source's kind: a permanent failure for that response. */
export class SourceParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceParseError';
  }
}

/** Pure: bytes in, items out. One per source kind (page-watch is stateful and has its own API). */
export type SourceParser = (body: Buffer, ctx: ParseContext) => Promise<ParseResult>;
