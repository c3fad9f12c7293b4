import { SourceParseError } from '../parser';
import { decodeFeed, readFeed, type ReadFeed } from './feed-parser';
import { isJsonFeed, readJsonFeed } from './jsonfeed-parser';

/** What `radar parse-feed FILE` prints: the feed and its entries as the file states them. */
export interface FeedDescription {
  feed: { title?: string; link?: string };
  items: { title: string; link?: string; guid?: string; publishedAt?: string; summary: string }[];
}

function isoOrUndefined(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/**
 * Reads a file of unknown kind as a feed, detecting RSS 2.0/0.9x, RSS 1.0 (RDF), Atom or JSON Feed
 * by content. Anything else fails with a SourceParseError.
 */
export async function describeFeed(body: Buffer, contentType?: string): Promise<FeedDescription> {
  const text = decodeFeed(body, contentType).replace(/^\ufeff/, '');
  let read: ReadFeed;
  if (/^\s*[{[]/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SourceParseError(`not a feed: JSON that does not parse (${(error as Error).message})`);
    }
    if (!isJsonFeed(data)) throw new SourceParseError('not a feed: JSON without a JSON Feed "version" or "items"');
    read = readJsonFeed(data);
  } else {
    read = await readFeed(text);
  }
  return {
    feed: read.feed,
    items: read.entries.map((e) => ({
      title: e.title,
      link: e.link,
      guid: e.guid,
      publishedAt: isoOrUndefined(e.date),
      summary: e.summary || e.body.slice(0, 500),
    })),
  };
}
