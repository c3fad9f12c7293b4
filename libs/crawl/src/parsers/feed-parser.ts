import * as cheerio from 'cheerio';
import Parser from 'rss-parser';
import type { RawItem } from '@radar/core';
import { stableHash } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { collapse, finishItem, plausibleDate, resolveUrl, str } from './common';

// Windows-1252's 0x80-0x9F (Node 20's TextDecoder decodes this label as plain latin-1).
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeCp1252(body: Buffer): string {
  return body.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]);
}

/** UTF-32 (TextDecoder has no such label). Code points outside Unicode become U+FFFD. */
function decodeUtf32(body: Buffer, littleEndian: boolean): string {
  const out: string[] = [];
  for (let i = 0; i + 3 < body.length; i += 4) {
    const cp = littleEndian ? body.readUInt32LE(i) : body.readUInt32BE(i);
    out.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd');
  }
  return out.join('');
}

function decodeAs(label: string, body: Buffer): string {
  const normalised = label.toLowerCase().replace(/^x-/, '');
  // WHATWG maps latin-1 labels to windows-1252 too; both are decoded with the C1 table.
  if (['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'latin-1', 'l1', 'us-ascii', 'ascii'].includes(normalised)) {
    return decodeCp1252(body);
  }
  if (['utf-32', 'utf32', 'utf-32be', 'ucs-4'].includes(normalised)) return decodeUtf32(body, false);
  if (['utf-32le', 'utf32le'].includes(normalised)) return decodeUtf32(body, true);
  // A declared 16-bit encoding on bytes that are not 16-bit (no NULs) is a wrong declaration.
  if (normalised.startsWith('utf-16') && !body.subarray(0, 200).includes(0)) throw new Error('not UTF-16');
  return new TextDecoder(normalised).decode(body);
}

/** The encoding the first bytes give away: a BOM, or '<' written in a 16- or 32-bit encoding. */
function sniffEncoding(b: Buffer): { label: string; skip: number } | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { label: 'utf-8', skip: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { label: 'utf-32le', skip: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { label: 'utf-32be', skip: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { label: 'utf-16le', skip: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { label: 'utf-16be', skip: 2 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return { label: 'utf-32be', skip: 0 };
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return { label: 'utf-32le', skip: 0 };
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] !== 0) return { label: 'utf-16be', skip: 0 };
  if (b[0] === 0x3c && b[1] === 0 && b[2] !== 0 && b[3] === 0) return { label: 'utf-16le', skip: 0 };
  return undefined;
}

/**
 * Decodes feed bytes honouring a BOM (UTF-8/16/32) or a 16/32-bit '<', the HTTP charset, then the
 * XML declaration or an HTML meta charset; otherwise UTF-8, or Windows-1252 when the bytes are not
 * valid UTF-8. Unknown or impossible labels are skipped, never fatal.
 */
export function decodeFeed(body: Buffer, contentType?: string): string {
  const sniffed = sniffEncoding(body);
  if (sniffed) return decodeAs(sniffed.label, body.subarray(sniffed.skip));
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const head = body.subarray(0, 1024).toString('latin1');
  const fromDeclaration =
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1];
  for (const label of [fromHeader, fromDeclaration]) {
    if (!label) continue;
    try {
      return decodeAs(label, body);
    } catch {
      // an unknown label: try the next hint
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Undeclared and not UTF-8: in practice Windows-1252 (a superset of the latin-1 printable range).
    return decodeCp1252(body);
  }
}

const COMMON_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/gi, (match, ref: string) => {
    if (ref[0] === '#') {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : match;
    }
    return COMMON_ENTITIES[ref] ?? htmlEntity(ref) ?? match;
  });
}

const DROPPED_BLOCKS = /<(script|style|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->/gi;
const BLOCK_TAGS = /<\/?(?:br|p|div|li|h[1-6]|tr|td|th|ul|ol|table|blockquote|section|article|pre|hr)\b[^>]*>/gi;
const OTHER_TAGS = /<\/?[a-z][^>]*>/gi;

/**
 * Plain text of an HTML fragment, whitespace collapsed: scripts, styles and comments dropped, block
 * elements separated by a space, entities decoded. Regex-based (feeds carry fragments, not pages,
 * and this runs for every field of every item).
 */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return collapse(html);
  const text = html.replace(DROPPED_BLOCKS, ' ').replace(BLOCK_TAGS, ' ').replace(OTHER_TAGS, '');
  return collapse(decodeEntities(text));
}

/** The body is not an RSS, RDF or Atom feed. */
export class FeedParseError extends SourceParseError {
  constructor(message: string) {
    super(message);
    this.name = 'FeedParseError';
  }
}

type FeedItem = Parser.Item & { 'content:encoded'?: string; id?: string; summary?: string; description?: string };

const parser = new Parser<Record<string, unknown>, FeedItem>({
  // `<rss>` without a version attribute is common in the wild; read it as RSS 2.0.
  defaultRSS: 2.0,
  customFields: { item: ['content:encoded', 'id', 'summary', 'description'] },
});

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);
const htmlEntityCache = new Map<string, string | undefined>();

function htmlEntity(name: string): string | undefined {
  if (!htmlEntityCache.has(name)) {
    const decoded = cheerio.load(`<p>&${name};</p>`)('p').text();
    htmlEntityCache.set(name, decoded === `&${name};` ? undefined : decoded);
  }
  return htmlEntityCache.get(name);
}

/**
 * The repairs a loose feed reader makes: HTML named entities (undeclared in XML) become numeric
 * references and stray ampersands become `&amp;`. Used only after a strict parse failed.
 */
function repairXml(xml: string): string {
  return xml.replace(/&(#\d+;|#x[0-9a-f]+;|[A-Za-z][A-Za-z0-9]*;)?/gi, (match, ref: string | undefined) => {
    if (!ref) return '&amp;';
    if (ref.startsWith('#')) return match;
    const name = ref.slice(0, -1);
    if (XML_ENTITIES.has(name)) return match;
    const decoded = htmlEntity(name);
    return decoded === undefined ? `&amp;${ref}` : [...decoded].map((c) => `&#${c.codePointAt(0)};`).join('');
  });
}

/** One feed entry, unfiltered, as the feed states it. */
export interface FeedEntry {
  title: string;
  link?: string;
  guid?: string;
  summary: string;
  body: string;
  /** The feed's raw date, unchecked. */
  date?: string;
}

export interface ReadFeed {
  feed: { title?: string; link?: string };
  entries: FeedEntry[];
}

/** `<rss>` with no `<channel>`: an empty feed (rss-parser fails on it with a TypeError). */
const EMPTY_RSS = /^(?:\s|<\?[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*<rss(?:\s[^>]*)?(?:\/>|>\s*<\/rss>)\s*$/;

async function parseXml(xml: string): Promise<Parser.Output<FeedItem>> {
  if (EMPTY_RSS.test(xml)) return { items: [] };
  try {
    return await parser.parseString(xml);
  } catch (error) {
    const repaired = repairXml(xml);
    if (repaired !== xml) {
      try {
        return await parser.parseString(repaired);
      } catch {
        // report the first failure, which names the real problem
      }
    }
    throw new FeedParseError(
      `not a readable RSS/Atom feed: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
    );
  }
}

/** Reads an RSS 2.0/0.9x, RSS 1.0 (RDF) or Atom document: the feed's title and link and every entry. */
export async function readFeed(xml: string, baseUrl?: string): Promise<ReadFeed> {
  const feed = await parseXml(xml);
  const entries: FeedEntry[] = [];
  for (const entry of feed.items ?? []) {
    const rawLink = str(entry.link).trim();
    const summaryHtml = str(entry.summary) || str(entry.description) || str(entry.content);
    const content = str(entry.content);
    const bodyHtml = str(entry['content:encoded']) || (content && content !== summaryHtml ? content : '');
    const snippet = str(entry.contentSnippet);
    entries.push({
      title: htmlToText(str(entry.title)),
      link: rawLink ? (baseUrl ? resolveUrl(rawLink, baseUrl) : rawLink) : undefined,
      guid: (str(entry.guid) || str(entry.id)).trim() || undefined,
      summary: snippet ? collapse(snippet) : htmlToText(summaryHtml),
      body: htmlToText(bodyHtml),
      date: str(entry.isoDate) || str(entry.pubDate) || undefined,
    });
  }
  const link = str(feed.link).trim();
  return {
    feed: {
      title: htmlToText(str(feed.title)) || undefined,
      link: link ? (baseUrl ? resolveUrl(link, baseUrl) : link) : undefined,
    },
    entries,
  };
}

/** Raw items from feed entries: untitled, empty entries dropped; implausible dates left out. */
export function entriesToItems(entries: FeedEntry[], sourceId: string, baseUrl: string, now: Date): RawItem[] {
  const fetchedAt = now.toISOString();
  const items: RawItem[] = [];
  for (const entry of entries) {
    const { title, summary, body, link } = entry;
    if (!title && !summary && !body) continue;
    const guid = entry.guid ?? link ?? stableHash([title, summary, entry.date ?? '']);
    items.push(
      finishItem({
        sourceId,
        guid,
        url: link ?? baseUrl,
        title: title || (summary || body).slice(0, 120),
        summary: summary === body ? '' : summary,
        body,
        publishedAt: plausibleDate(entry.date, now),
        fetchedAt,
      }),
    );
  }
  return items;
}

/** Parses an RSS 2.0, RSS 1.0 or Atom document into raw items for one source. */
export async function parseFeed(xml: string, sourceId: string, baseUrl: string, now = new Date()): Promise<RawItem[]> {
  const { entries } = await readFeed(xml, baseUrl);
  return entriesToItems(entries, sourceId, baseUrl, now);
}

/** The SourceParser for kinds rss, atom and rdf. */
export const parseFeedSource: SourceParser = async (body, ctx) => {
  const { feed, entries } = await readFeed(decodeFeed(body, ctx.contentType), ctx.url);
  return { feed, items: entriesToItems(entries, ctx.source.id, ctx.url, ctx.now) };
};
