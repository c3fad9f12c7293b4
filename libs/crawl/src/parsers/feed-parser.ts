import * as cheerio from 'cheerio';
import Parser from 'rss-parser';
import type { RawItem } from '@radar/core';
import { stableHash } from '@radar/core';
import { SourceParseError } from '../parser';

// Windows-1252's 0x80-0x9F (Node 20's TextDecoder decodes this label as plain latin-1).
const CP1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeCp1252(body: Buffer): string {
  return body.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]);
}

function decodeAs(label: string, body: Buffer): string {
  const normalised = label.toLowerCase();
  // WHATWG maps latin-1 labels to windows-1252 too; both are decoded with the C1 table.
  if (['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'l1', 'us-ascii', 'ascii'].includes(normalised)) {
    return decodeCp1252(body);
  }
  return new TextDecoder(normalised).decode(body);
}

/**
 * Decodes feed bytes honouring a BOM, the HTTP charset, then the XML declaration; otherwise UTF-8,
 * or Windows-1252 when the bytes are not valid UTF-8.
 */
export function decodeFeed(body: Buffer, contentType?: string): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return body.subarray(3).toString('utf8');
  if (body[0] === 0xff && body[1] === 0xfe) return new TextDecoder('utf-16le').decode(body.subarray(2));
  if (body[0] === 0xfe && body[1] === 0xff) return new TextDecoder('utf-16be').decode(body.subarray(2));
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const head = body.subarray(0, 200).toString('latin1');
  const fromDeclaration = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head)?.[1];
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

/** Plain text of an HTML fragment, whitespace collapsed. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim();
  const $ = cheerio.load(`<body>${html}</body>`);
  $('script, style, noscript').remove();
  $('br, p, div, li, h1, h2, h3, h4, h5, h6, tr').after(' ');
  return $('body').text().replace(/\s+/g, ' ').trim();
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

/** Items published more than a day in the future, or before 1990, carry no usable date. */
function plausibleDate(value: string | undefined, now: Date): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) return undefined;
  if (t > now.getTime() + 86400000 || t < Date.UTC(1990, 0, 1)) return undefined;
  return new Date(t).toISOString();
}

/** Parses an RSS 2.0, RSS 1.0 or Atom document into raw items for one source. */
export async function parseFeed(xml: string, sourceId: string, baseUrl: string, now = new Date()): Promise<RawItem[]> {
  let feed: Parser.Output<FeedItem>;
  try {
    feed = await parser.parseString(xml);
  } catch (error) {
    throw new FeedParseError(`not a readable RSS/Atom feed: ${(error as Error).message.split('\n')[0]}`);
  }
  const fetchedAt = now.toISOString();
  const items: RawItem[] = [];
  for (const entry of feed.items ?? []) {
    const title = htmlToText(entry.title ?? '');
    const link = entry.link ? resolveUrl(entry.link, baseUrl) : undefined;
    const summaryHtml = entry.summary ?? entry.description ?? entry.content ?? '';
    const bodyHtml = entry['content:encoded'] ?? (entry.content && entry.content !== summaryHtml ? entry.content : '');
    const summary = entry.contentSnippet ? entry.contentSnippet.replace(/\s+/g, ' ').trim() : htmlToText(summaryHtml);
    const body = htmlToText(bodyHtml);
    if (!title && !summary && !body) continue;
    const guid = (entry.guid ?? entry.id ?? link ?? '').trim() || stableHash([title, summary, entry.isoDate ?? '']);
    items.push({
      sourceId,
      guid,
      url: link ?? baseUrl,
      title: title || summary.slice(0, 120),
      summary: summary === body ? '' : summary,
      body,
      publishedAt: plausibleDate(entry.isoDate ?? entry.pubDate, now),
      fetchedAt,
    });
  }
  return items;
}

function resolveUrl(link: string, base: string): string {
  try {
    return new URL(link.trim(), base).toString();
  } catch {
    return link.trim();
  }
}
