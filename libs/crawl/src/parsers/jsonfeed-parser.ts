import { stableHash } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { asArray, asObject, readJson, resolveUrl, str } from './common';
import { entriesToItems, htmlToText, type FeedEntry, type ReadFeed } from './feed-parser';

/** True when a parsed JSON value looks like a JSON Feed (version URL, or an items list). */
export function isJsonFeed(data: unknown): boolean {
  const obj = asObject(data);
  if (!obj) return false;
  return /jsonfeed\.org\/version\//.test(str(obj.version)) || Array.isArray(obj.items);
}

/** Reads a JSON Feed 1.0/1.1 document (already parsed) into the feed's title, link and entries. */
export function readJsonFeed(data: unknown, baseUrl?: string): ReadFeed {
  const obj = asObject(data);
  if (!obj || !isJsonFeed(obj)) throw new SourceParseError('not a JSON Feed: no "version" or "items"');
  const link = (v: unknown): string | undefined => {
    const s = str(v).trim();
    return s ? (baseUrl ? resolveUrl(s, baseUrl) : s) : undefined;
  };
  const entries: FeedEntry[] = asArray(obj.items).flatMap((raw): FeedEntry[] => {
    const item = asObject(raw);
    if (!item) return [];
    const html = str(item.content_html);
    const text = str(item.content_text);
    const body = html ? htmlToText(html) : text.replace(/\s+/g, ' ').trim();
    const summary = htmlToText(str(item.summary));
    const url = link(item.url) ?? link(item.external_url);
    const id = str(item.id).trim();
    return [
      {
        title: htmlToText(str(item.title)),
        link: url,
        guid: id || url || stableHash([str(item.title), body]),
        summary,
        body,
        date: str(item.date_published) || str(item.date_modified) || undefined,
      },
    ];
  });
  return { feed: { title: str(obj.title).trim() || undefined, link: link(obj.home_page_url) }, entries };
}

/** The SourceParser for kind jsonfeed. */
export const parseJsonFeedSource: SourceParser = async (body, ctx) => {
  const { feed, entries } = readJsonFeed(readJson(body, 'JSON Feed'), ctx.url);
  return { feed, items: entriesToItems(entries, ctx.source.id, ctx.url, ctx.now) };
};
