import { Readability } from '@mozilla/readability';
import type { CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { JSDOM, VirtualConsole } from 'jsdom';
import { canonicalUrl } from './canonical-url';
import { domAdapter, domhandlerAdapter, loadHtml, normaliseSpace, treeText } from './html-text';
import { contentText, mainContentElement } from './main-content';
import { acceptDate, pageDates } from './page-dates';

/** The readable part of a web page and what the page says about itself. */
export interface ExtractedArticle {
  title: string;
  /** Paragraphs separated by a blank line; `<br>` line breaks kept inside a paragraph. */
  text: string;
  excerpt?: string;
  byline?: string;
  siteName?: string;
  lang?: string;
  /** Always set: the page URL itself when the page names no acceptable canonical. */
  canonicalUrl: string;
  /** ISO 8601. */
  publishedAt?: string;
  /** ISO 8601. */
  modifiedAt?: string;
  /** Which path found the text. */
  extractor: 'readability' | 'heuristic' | 'selectors';
  /** Set when the page was longer than `maxHtmlLength` and only its beginning was read. */
  truncated?: true;
}

/** Per-source cheerio rules, for sites whose layout is known. */
export interface SelectorRules {
  /** The article body; every match is taken, in document order. */
  content: string;
  title?: string;
  /** An element whose `datetime`, `content` or text is the publication date. */
  date?: string;
  /** Removed before the text is read (share bars, captions, related links...). */
  remove?: string | string[];
}

export interface ExtractOptions {
  /** Characters of HTML read after scripts, styles and comments are dropped (default 5,000,000). */
  maxHtmlLength?: number;
  /** Above this many elements Readability (jsdom) is skipped for the linear heuristics (default 20,000). */
  maxElements?: number;
  /** Above this nesting depth Readability (jsdom) is skipped for the linear heuristics (default 200). */
  maxDepth?: number;
}

export const DEFAULT_MAX_HTML_LENGTH = 5_000_000;
/**
 * Pages nested deeper than this (estimated before parsing) are refused: HTML tree construction is
 * quadratic in depth, so 100,000 nested divs would hold a worker for minutes.
 */
export const MAX_NESTING = 5_000;
/**
 * Readability's cost grows faster than linearly with size and depth (seconds at 20,000 elements or
 * 300 levels); real article pages stay far below (the Readability test pages: at most 4,300
 * elements and 34 levels).
 */
export const DEFAULT_MAX_ELEMENTS = 20_000;
export const DEFAULT_MAX_DEPTH = 200;

/**
 * The page cannot be extracted (bad URL, no text at all, selectors that match nothing): a
 * permanent failure for that response, do not retry. The crawler keys on the name.
 */
export class ArticleExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArticleExtractionError';
  }
}

// ---- input preparation ------------------------------------------------------------------------

const RAW_START = /<!--|<(script|style)\b/gi;

/**
 * Drops comments and non-JSON-LD scripts and styles (with one linear scan: an unclosed tag ends
 * the document, as in an HTML parser), then caps the length at a tag boundary. Scripts never run
 * anyway; dropping them first keeps the cap for text and spares jsdom most of a modern page.
 */
export function prepareHtml(
  html: string,
  maxLength = DEFAULT_MAX_HTML_LENGTH,
): { html: string; truncated: boolean; nesting: number } {
  let truncated = html.length > maxLength * 4;
  const input = truncated ? html.slice(0, maxLength * 4) : html;
  const parts: string[] = [];
  let from = 0;
  RAW_START.lastIndex = 0;
  for (let m = RAW_START.exec(input); m; m = RAW_START.exec(input)) {
    const start = m.index;
    let end: number;
    let keep = false;
    if (m[0] === '<!--') {
      const close = input.indexOf('-->', start + 4);
      end = close < 0 ? input.length : close + 3;
    } else {
      const tag = m[1].toLowerCase();
      const openEnd = input.indexOf('>', start);
      const closer = new RegExp(`</${tag}\\s*>`, 'gi');
      closer.lastIndex = openEnd < 0 ? input.length : openEnd;
      const close = openEnd < 0 ? null : closer.exec(input);
      end = close ? close.index + close[0].length : input.length;
      keep = tag === 'script' && /\btype\s*=\s*["']?\s*application\/ld\+json/i.test(input.slice(start, openEnd));
    }
    if (!keep) {
      parts.push(input.slice(from, start));
      from = end;
    }
    RAW_START.lastIndex = end;
  }
  parts.push(input.slice(from));
  let out = parts.join('');
  if (out.length > maxLength) {
    const cut = out.lastIndexOf('<', maxLength);
    out = out.slice(0, cut > 0 ? cut : maxLength);
    truncated = true;
  }
  return { html: out, truncated, nesting: estimateNesting(out) };
}

/** Elements that close themselves or whose end tag is optional: they do not nest in practice. */
const NON_NESTING = new Set(
  (
    'area base br col embed hr img input link meta param source track wbr ' +
    'p li dt dd tr td th thead tbody tfoot option optgroup rt rp colgroup caption'
  ).split(' '),
);

/** The deepest nesting of start and end tags, counted in one linear scan without parsing. */
export function estimateNesting(html: string): number {
  const tag = /<(\/?)([a-zA-Z][\w:-]*)[^<>]*>/g;
  let depth = 0;
  let max = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = m[2].toLowerCase();
    if (NON_NESTING.has(name)) continue;
    if (m[1]) depth = Math.max(0, depth - 1);
    else if (!m[0].endsWith('/>')) max = Math.max(max, ++depth);
  }
  return max;
}

function prepare(html: string, maxLength: number | undefined): { html: string; truncated: boolean } {
  const prepared = prepareHtml(html, maxLength);
  if (prepared.nesting > MAX_NESTING) {
    throw new ArticleExtractionError(`Page nested about ${prepared.nesting} levels deep (limit ${MAX_NESTING})`);
  }
  return prepared;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ArticleExtractionError(`Not an absolute URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ArticleExtractionError(`Not an http(s) URL: ${parsed.protocol}`);
  }
}

/** Element count and maximum nesting depth of a cheerio document (iterative). */
export function treeShape($: CheerioAPI): { elements: number; depth: number } {
  let elements = 0;
  let depth = 0;
  const stack: { node: AnyNode; depth: number }[] = [{ node: $.root()[0], depth: 0 }];
  while (stack.length > 0) {
    const { node, depth: d } = stack.pop()!;
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') elements++;
    if (d > depth) depth = d;
    if ('children' in node) for (const child of node.children) stack.push({ node: child, depth: d + 1 });
  }
  return { elements, depth };
}

// ---- metadata from the page (cheerio) ---------------------------------------------------------

function metaContent($: CheerioAPI, ...keys: string[]): string | undefined {
  const wanted = new Set(keys);
  for (const el of $('meta[content]').toArray()) {
    const a = el.attribs;
    const key = (a.property ?? a.name ?? a.itemprop ?? '').toLowerCase();
    if (wanted.has(key) && a.content.trim()) return normaliseSpace(a.content);
  }
  return undefined;
}

function firstText($: CheerioAPI, selector: string): string | undefined {
  const el = $(selector).get(0);
  const text = el ? normaliseSpace(treeText<AnyNode>(el, domhandlerAdapter)) : '';
  return text || undefined;
}

interface PageMetadata {
  title?: string;
  byline?: string;
  siteName?: string;
  excerpt?: string;
  lang?: string;
}

/** "Story | Site" and "Site - Story" lose the site name when the page names its site. */
export function withoutSiteName(title: string, siteName: string | undefined): string {
  if (!siteName) return title;
  const site = siteName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const separator = '\\s+[|\\-\u2013\u2014:\u00b7\u00bb/]\\s+';
  const stripped = title
    .replace(new RegExp(`${separator}${site}$`, 'i'), '')
    .replace(new RegExp(`^${site}${separator}`, 'i'), '');
  return stripped || title;
}

function pageMetadata($: CheerioAPI): PageMetadata {
  const author = metaContent($, 'author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator');
  const siteName = metaContent($, 'og:site_name', 'application-name');
  const title =
    metaContent($, 'og:title', 'twitter:title', 'parsely-title') ?? firstText($, 'title') ?? firstText($, 'h1');
  return {
    title: title && withoutSiteName(title, siteName),
    byline: author && !/^https?:\/\//.test(author) ? author : firstText($, '[rel~=author], [itemprop~=author]'),
    siteName,
    excerpt: metaContent($, 'og:description', 'description', 'twitter:description'),
    lang: $('html').attr('lang')?.trim() || metaContent($, 'content-language') || undefined,
  };
}

function excerptOf(text: string): string | undefined {
  const first = text.split('\n\n').find((p) => p.length > 0);
  if (!first) return undefined;
  return first.length > 300 ? `${first.slice(0, 297).replace(/\s+\S*$/, '')}...` : first;
}

// ---- Readability ------------------------------------------------------------------------------

interface ReadabilityResult {
  title?: string;
  text: string;
  excerpt?: string;
  byline?: string;
  siteName?: string;
  lang?: string;
  publishedTime?: string;
}

function clean(value: string | null | undefined): string | undefined {
  const v = value ? normaliseSpace(value) : '';
  return v || undefined;
}

/** Readability on a script-less, network-less jsdom; undefined when it finds no article. */
function readability(html: string, url: string, maxElements: number): ReadabilityResult | undefined {
  // No runScripts and no resources: jsdom neither executes scripts nor fetches anything.
  const dom = new JSDOM(html, { url, contentType: 'text/html', virtualConsole: new VirtualConsole() });
  try {
    const article = new Readability<Node>(dom.window.document, {
      serializer: (node) => node,
      maxElemsToParse: maxElements,
    }).parse();
    if (!article?.content) return undefined;
    const text = treeText(article.content, domAdapter);
    if (!text) return undefined;
    return {
      title: clean(article.title),
      text,
      excerpt: clean(article.excerpt),
      byline: clean(article.byline),
      siteName: clean(article.siteName),
      lang: clean(article.lang),
      publishedTime: clean(article.publishedTime),
    };
  } catch {
    return undefined; // Readability gives up on over-large documents by throwing: use the heuristics
  } finally {
    dom.window.close();
  }
}

// ---- public API -------------------------------------------------------------------------------

/**
 * The main text and metadata of an article page. Pure: no scripts run and nothing is fetched;
 * `url` (after redirects) resolves relative links. Readability finds the text; when it finds none
 * (or the page is too large or too deep for it) cheerio heuristics do. Throws
 * `ArticleExtractionError` for a URL that is not absolute http(s) and for a page with no text.
 */
export function extractArticle(
  html: string,
  url: string,
  now: Date = new Date(),
  options: ExtractOptions = {},
): ExtractedArticle {
  checkUrl(url);
  const prepared = prepare(html, options.maxHtmlLength);
  const $ = loadHtml(prepared.html);
  const meta = pageMetadata($);
  const dates = pageDates($, url, now);
  const canonical = canonicalUrl($, url);
  const shape = treeShape($);
  const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  const fits = shape.elements <= maxElements && shape.depth <= (options.maxDepth ?? DEFAULT_MAX_DEPTH);
  const found = fits ? readability(prepared.html, url, maxElements) : undefined;

  const base = {
    canonicalUrl: canonical,
    ...(prepared.truncated ? { truncated: true as const } : {}),
  };
  if (found) {
    return compact({
      title: found.title ?? meta.title ?? '',
      text: found.text,
      excerpt: found.excerpt ?? meta.excerpt ?? excerptOf(found.text),
      byline: found.byline ?? meta.byline,
      siteName: found.siteName ?? meta.siteName,
      lang: found.lang ?? meta.lang,
      publishedAt: dates.publishedAt ?? acceptDate(found.publishedTime, now),
      modifiedAt: dates.modifiedAt,
      extractor: 'readability',
      ...base,
    });
  }
  const text = contentText(mainContentElement($));
  if (!text) throw new ArticleExtractionError(`No article text found on ${url}`);
  return compact({
    title: meta.title ?? '',
    text,
    excerpt: meta.excerpt ?? excerptOf(text),
    byline: meta.byline,
    siteName: meta.siteName,
    lang: meta.lang,
    publishedAt: dates.publishedAt,
    modifiedAt: dates.modifiedAt,
    extractor: 'heuristic',
    ...base,
  });
}

function select($: CheerioAPI, selector: string, role: string): AnyNode[] {
  try {
    return $(selector).toArray();
  } catch (error) {
    throw new ArticleExtractionError(
      `Invalid ${role} selector ${JSON.stringify(selector)}: ${(error as Error).message}`,
    );
  }
}

/**
 * Extraction with a source's own cheerio rules. Throws `ArticleExtractionError` when the content selector
 * matches nothing or a selector is invalid: the source's layout changed and its rules need care.
 */
export function extractWithSelectors(
  html: string,
  url: string,
  rules: SelectorRules,
  now: Date = new Date(),
  options: Pick<ExtractOptions, 'maxHtmlLength'> = {},
): ExtractedArticle {
  checkUrl(url);
  const prepared = prepare(html, options.maxHtmlLength);
  const $ = loadHtml(prepared.html);
  const meta = pageMetadata($);
  const dates = pageDates($, url, now);
  const canonical = canonicalUrl($, url);

  let publishedAt: string | undefined;
  if (rules.date) {
    const el = select($, rules.date, 'date')[0];
    if (el && el.type === 'tag') {
      const a = el.attribs;
      publishedAt = acceptDate(a.datetime ?? a.content ?? normaliseSpace(treeText(el, domhandlerAdapter)), now);
    }
  }
  const title = rules.title ? select($, rules.title, 'title')[0] : undefined;
  const titleText = title ? normaliseSpace(treeText(title, domhandlerAdapter)) : '';

  for (const selector of [rules.remove ?? []].flat()) {
    for (const el of select($, selector, 'remove')) $(el).remove();
  }
  const content = select($, rules.content, 'content');
  if (content.length === 0) {
    throw new ArticleExtractionError(`Content selector ${JSON.stringify(rules.content)} matched nothing on ${url}`);
  }
  const text = content
    .map((el) => treeText(el, domhandlerAdapter))
    .filter((t) => t.length > 0)
    .join('\n\n');
  return compact({
    title: titleText || meta.title || '',
    text,
    excerpt: meta.excerpt ?? excerptOf(text),
    byline: meta.byline,
    siteName: meta.siteName,
    lang: meta.lang,
    canonicalUrl: canonical,
    publishedAt: publishedAt ?? dates.publishedAt,
    modifiedAt: dates.modifiedAt,
    extractor: 'selectors',
    ...(prepared.truncated ? { truncated: true as const } : {}),
  });
}

/** Drops undefined optional fields so results compare and serialise cleanly. */
function compact(article: ExtractedArticle): ExtractedArticle {
  const out = { ...article } as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as unknown as ExtractedArticle;
}
