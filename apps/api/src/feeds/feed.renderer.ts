import { Feed } from 'feed';

/**
 * Atom 1.0, RSS 2.0 and JSON Feed 1.1 from one list of entries, rendered by the `feed` library.
 *
 * `feed` 4.2.2 leaves a few things to its caller, all handled here (and pinned by the spec):
 * - attribute values are not XML-escaped (only `"`): Atom category `term`/`label`/`scheme` and
 *   the RSS category `domain` are escaped before they go in ("Command & Control Tech");
 * - the Atom `rel="self"` href is `&`-escaped twice: the one known string is put right after;
 * - a title goes into CDATA and only the first `]]>` is split: Atom titles are `type="html"` and
 *   are HTML-escaped here (no `>` left); RSS titles (plain text) get `]]>` broken up as `]] >`;
 * - JSON Feed comes out as version 1: it is lifted to 1.1 (`authors`, `language`).
 * Summaries and content are plain text and HTML respectively; HTML is built with `escapeHtml`.
 */

export type FeedFormat = 'atom' | 'rss' | 'json';

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedCategory {
  /** Machine value, e.g. a sub-sector id. */
  term: string;
  /** Human name, e.g. the sub-sector's name. */
  label: string;
  /** Vocabulary the term belongs to (an IRI). */
  scheme: string;
}

export interface FeedEntry {
  /** Stable, globally unique (a URN). */
  id: string;
  title: string;
  link: string;
  updated: Date;
  published?: Date;
  categories: FeedCategory[];
  /** Plain text. */
  summary: string;
  /** HTML (text inside it already escaped). */
  contentHtml: string;
  /** Structured data for JSON Feed readers, under the `_radar` extension key. */
  extension?: Record<string, unknown>;
}

export interface FeedMeta {
  id: string;
  title: string;
  description: string;
  /** The human page the feed belongs to. */
  siteUrl: string;
  /** This feed's own URL in each format. */
  selfUrls: Record<FeedFormat, string>;
  /** Used when there are no entries; otherwise the newest entry's `updated`. */
  fallbackUpdated: Date;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** What xml-js does not do for attribute values (it escapes `"` itself). */
function escapeXmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** XML 1.0 forbids most C0 controls even escaped; feeds with them do not parse. */
function stripControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

export function renderFeed(format: FeedFormat, meta: FeedMeta, entries: readonly FeedEntry[]): string {
  const updated = entries.reduce<Date | undefined>(
    (max, e) => (max === undefined || e.updated > max ? e.updated : max),
    undefined,
  );
  const feed = new Feed({
    id: meta.id,
    title: meta.title,
    description: meta.description,
    link: meta.siteUrl,
    language: 'en',
    updated: updated ?? meta.fallbackUpdated,
    generator: 'Policy Radar',
    copyright: '',
    feedLinks: meta.selfUrls,
  });
  const xml = format !== 'json';
  for (const entry of entries) {
    const title = stripControls(entry.title);
    feed.addItem({
      id: entry.id,
      guid: entry.id,
      title: format === 'atom' ? escapeHtml(title) : format === 'rss' ? title.replace(/]]>/g, ']] >') : title,
      link: entry.link,
      date: entry.updated,
      published: entry.published,
      description: xml ? escapeHtml(stripControls(entry.summary)) : entry.summary,
      content: xml ? stripControls(entry.contentHtml) : entry.contentHtml,
      category: entry.categories.map((c) =>
        format === 'atom'
          ? {
              term: escapeXmlAttribute(stripControls(c.term)),
              name: escapeXmlAttribute(stripControls(c.label)),
              scheme: escapeXmlAttribute(c.scheme),
            }
          : format === 'rss'
            ? { name: stripControls(c.label), domain: escapeXmlAttribute(c.scheme) }
            : { name: c.label },
      ),
      extensions: format === 'json' && entry.extension ? [{ name: '_radar', objects: entry.extension }] : undefined,
    });
  }
  switch (format) {
    case 'atom': {
      const once = meta.selfUrls.atom.replace(/&/g, '&amp;');
      const twice = once.replace(/&/g, '&amp;');
      return feed.atom1().replace(`rel="self" href="${twice}"`, `rel="self" href="${once}"`);
    }
    case 'rss':
      return feed.rss2();
    case 'json':
      return jsonFeed11(feed.json1());
  }
}

/** `feed` writes JSON Feed 1; 1.1 renames `author` to `authors` and adds `language`. */
function jsonFeed11(json1: string): string {
  const doc = JSON.parse(json1) as Record<string, unknown> & { items: Record<string, unknown>[] };
  const out: Record<string, unknown> = { ...doc, version: 'https://jsonfeed.org/version/1.1', language: 'en' };
  out.items = doc.items.map((item) => {
    const { author, ...rest } = item;
    return author === undefined ? rest : { ...rest, authors: [author] };
  });
  if ('author' in out) {
    out.authors = [out.author];
    delete out.author;
  }
  return JSON.stringify(out, null, 2);
}
