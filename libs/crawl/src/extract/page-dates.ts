import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { domhandlerAdapter, loadHtml, treeText } from './html-text';

/**
 * Publication and modification dates of a web page, from the most to the least deliberate
 * statement: JSON-LD, then meta tags and microdata, then `<time datetime>` in the article, then a
 * date in the URL path. The first candidate that parses and is plausible wins; an implausible one
 * (before 1990, or more than a day after `now`) is skipped, not fatal. Values without a time zone
 * are read as UTC so results do not depend on the machine's zone.
 */

/** Dates before this are rejected as placeholders (epoch zero, "0001-01-01"...). */
export const EARLIEST_DATE_MS = Date.UTC(1990, 0, 1);
/** Dates later than `now` by more than this are rejected (clock skew and time zones allowed). */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

export interface PageDates {
  publishedAt?: string;
  modifiedAt?: string;
}

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$/;
const MONTH_NAME = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b/i;
const HAS_ZONE = /(?:\b(?:Z|UTC|GMT|[ECMP][SD]T)|[+-]\d{2}:?\d{2})\s*$/i;

function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Reject 31 February and friends instead of rolling over into March.
  return new Date(t).getUTCDate() === d || h === 24 ? t : undefined;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (!zone || /^(Z|UTC|GMT)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** Parses the date formats pages use; undefined when `value` is not a date. Pure: no range check. */
export function parseDate(value: string): Date | undefined {
  const s = value.trim().replace(/\s+/g, ' ');
  if (!s || s.length > 100) return undefined;
  const iso = ISO_LIKE.exec(s.replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})/, '$1-$2-$3'));
  if (iso) {
    const [, y, mo, d, h, mi, sec, frac, zone] = iso;
    const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
    const t = utc(+y, +mo, +d, +(h ?? 0), +(mi ?? 0), +(sec ?? 0), ms);
    return t === undefined ? undefined : new Date(t - zoneOffsetMinutes(zone) * 60_000);
  }
  if (/^\d{10}$/.test(s)) return new Date(Number(s) * 1000);
  if (/^\d{13}$/.test(s)) return new Date(Number(s));
  const compact = COMPACT.exec(s);
  if (compact) {
    const [, y, mo, d, h, mi, sec] = compact;
    const t = utc(+y, +mo, +d, +(h ?? 0), +(mi ?? 0), +(sec ?? 0));
    return t === undefined ? undefined : new Date(t);
  }
  // Free text ("March 15, 2026", RFC 2822). V8's parser is lenient, so insist that the year it
  // found is the one written, that a day is written ("Fiscal Year 2026" is not a date), and never
  // let it fall back to the machine's local zone.
  const text = s.replace(/(\d)(st|nd|rd|th)\b/gi, '$1');
  const year = /\b(19\d{2}|20\d{2})\b/.exec(text)?.[1];
  const hasDay =
    /\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/.test(text) ||
    (MONTH_NAME.test(text) && /(^|[^\d:])\d{1,2}(?![\d:])/.test(text.replace(year ?? '', '')));
  if (!year || !hasDay) return undefined;
  const t = Date.parse(HAS_ZONE.test(text) ? text : `${text} UTC`);
  if (Number.isNaN(t)) return undefined;
  const date = new Date(t);
  return Math.abs(date.getUTCFullYear() - Number(year)) <= 1 ? date : undefined;
}

/** The ISO form of `value` when it is a plausible page date at `now`, else undefined. */
export function acceptDate(value: string | undefined, now: Date): string | undefined {
  if (!value) return undefined;
  const date = parseDate(value);
  if (!date) return undefined;
  const t = date.getTime();
  if (t < EARLIEST_DATE_MS || t > now.getTime() + FUTURE_TOLERANCE_MS) return undefined;
  return date.toISOString();
}

function firstAccepted(values: Iterable<string | undefined>, now: Date): string | undefined {
  for (const value of values) {
    const accepted = acceptDate(value, now);
    if (accepted) return accepted;
  }
  return undefined;
}

// ---- JSON-LD ----------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

const ARTICLE_TYPES = new Set([
  'blogposting',
  'liveblogposting',
  'socialmediaposting',
  'discussionforumposting',
  'report',
  'legislation',
  'videoobject',
  'podcastepisode',
  'creativework',
  'pressrelease',
]);

function typesOf(obj: JsonObject): string[] {
  const raw = obj['@type'];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((t): t is string => typeof t === 'string').map((t) => (t.split(/[/:#]/).pop() ?? t).toLowerCase());
}

function isArticleLike(obj: JsonObject): boolean {
  return typesOf(obj).some((t) => t.endsWith('article') || ARTICLE_TYPES.has(t));
}

function scriptText(el: Element): string {
  return el.children.map((c: AnyNode) => (c.type === 'text' ? c.data : '')).join('');
}

/** Every object in the page's JSON-LD blocks (through arrays, @graph and nesting), bounded. */
export function jsonLdObjects($: CheerioAPI): JsonObject[] {
  const objects: JsonObject[] = [];
  for (const el of $('script[type]').toArray()) {
    if (el.attribs.type.trim().toLowerCase().split(';')[0] !== 'application/ld+json') continue;
    const raw = scriptText(el)
      .trim()
      .replace(/^<!\[CDATA\[|\]\]>$/g, '')
      .replace(/^<!--|-->$/g, '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      continue; // broken JSON-LD is common; the other sources still apply
    }
    const queue: { value: unknown; depth: number }[] = [{ value: parsed, depth: 0 }];
    for (let i = 0; i < queue.length && i < 5000 && objects.length < 500; i++) {
      const { value, depth } = queue[i];
      if (depth > 6 || value === null || typeof value !== 'object') continue;
      if (Array.isArray(value)) {
        for (const item of value) if (queue.length < 5000) queue.push({ value: item, depth: depth + 1 });
        continue;
      }
      const obj = value as JsonObject;
      objects.push(obj);
      for (const [key, child] of Object.entries(obj)) {
        if (key !== '@context' && child && typeof child === 'object' && queue.length < 5000)
          queue.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return objects;
}

function jsonLdValues(obj: JsonObject, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of keys) {
    const raw = obj[key];
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v === 'string') out.push(v);
      else if (v && typeof v === 'object' && typeof (v as JsonObject)['@value'] === 'string') {
        out.push((v as JsonObject)['@value'] as string);
      }
    }
  }
  return out;
}

function fromJsonLd(objects: JsonObject[], keys: readonly string[], now: Date): string | undefined {
  const articles = objects.filter(isArticleLike);
  const others = objects.filter((o) => !isArticleLike(o));
  for (const group of [articles, others]) {
    for (const obj of group) {
      const accepted = firstAccepted(jsonLdValues(obj, keys), now);
      if (accepted) return accepted;
    }
  }
  return undefined;
}

// ---- meta tags and microdata ------------------------------------------------------------------

/** Meta names (property, name, itemprop, http-equiv; lower-case) for the publication date, best first. */
export const PUBLISHED_META_KEYS: readonly string[] = [
  'article:published_time',
  'og:published_time',
  'og:article:published_time',
  'article:published',
  'datepublished',
  'citation_publication_date',
  'citation_online_date',
  'citation_date',
  'dcterms.issued',
  'dc.date.issued',
  'dcterms.created',
  'dc.date.created',
  'dcterms.date',
  'dc.date',
  'prism.publicationdate',
  'parsely-pub-date',
  'sailthru.date',
  'rnews:datepublished',
  'published_time',
  'publish_date',
  'publish-date',
  'publishdate',
  'pubdate',
  'pdate',
  'article.published',
  'originalpublicationdate',
  'datecreated',
  'uploaddate',
  'date',
];

/** Meta names for the modification date, best first. */
export const MODIFIED_META_KEYS: readonly string[] = [
  'article:modified_time',
  'og:updated_time',
  'og:modified_time',
  'article:modified',
  'datemodified',
  'dcterms.modified',
  'dc.date.modified',
  'modified_time',
  'last-modified',
  'lastmod',
  'revised',
];

/** Every (key, value) pair the page states in meta tags and microdata, keys lower-cased. */
function metaValues($: CheerioAPI): Map<string, string[]> {
  const values = new Map<string, string[]>();
  const add = (key: string | undefined, value: string | undefined): void => {
    if (!key || !value || !value.trim()) return;
    for (const k of key.toLowerCase().split(/\s+/)) {
      if (!k) continue;
      const list = values.get(k) ?? [];
      list.push(value.trim());
      values.set(k, list);
    }
  };
  for (const el of $('meta').toArray()) {
    const a = el.attribs;
    const value = a.content ?? a.value;
    add(a.property, value);
    add(a.name, value);
    add(a.itemprop, value);
    add(a['http-equiv'], value);
  }
  for (const el of $('[itemprop]:not(meta)').toArray()) {
    const a = el.attribs;
    if (!/date/i.test(a.itemprop)) continue;
    add(a.itemprop, a.datetime ?? a.content ?? treeText<AnyNode>(el, domhandlerAdapter).slice(0, 100));
  }
  return values;
}

function fromMeta(meta: Map<string, string[]>, keys: readonly string[], now: Date): string | undefined {
  for (const key of keys) {
    const accepted = firstAccepted(meta.get(key) ?? [], now);
    if (accepted) return accepted;
  }
  return undefined;
}

// ---- <time> and the URL -----------------------------------------------------------------------

function fromTime($: CheerioAPI, modified: boolean, now: Date): string | undefined {
  const selectors = modified
    ? ['time.updated[datetime]', 'time.modified[datetime]']
    : [
        'time[pubdate][datetime]',
        'time.published[datetime], time.entry-date[datetime]',
        'article time[datetime], main time[datetime], [role=main] time[datetime]',
      ];
  for (const selector of selectors) {
    const accepted = firstAccepted(
      $(selector)
        .toArray()
        .map((el) => (el.type === 'tag' ? el.attribs.datetime : undefined)),
      now,
    );
    if (accepted) return accepted;
  }
  if (modified) return undefined;
  // Outside an article element, a lone <time> is probably the date; several are a listing.
  const all = $('time[datetime]').toArray();
  return all.length === 1 && all[0].type === 'tag' ? acceptDate(all[0].attribs.datetime, now) : undefined;
}

/** A date written in a URL path: /2026/03/15/, /2026-03-15-title, /20260315/. Midnight UTC. */
export function urlPathDate(url: string, now: Date): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const patterns = [
    /(?:^|\/)((?:19|20)\d{2})\/(\d{1,2})\/(\d{1,2})(?=\/|$|\.|-|_)/,
    /(?:^|[/_-])((?:19|20)\d{2})-(\d{2})-(\d{2})(?=[/_.-]|$)/,
    /(?:^|[/_-])((?:19|20)\d{2})(\d{2})(\d{2})(?=[/_.-]|$)/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(path);
    if (!m) continue;
    const t = utc(+m[1], +m[2], +m[3]);
    if (t === undefined) continue;
    const accepted = acceptDate(new Date(t).toISOString(), now);
    if (accepted) return accepted;
  }
  return undefined;
}

// ---- public API -------------------------------------------------------------------------------

/**
 * Both dates in one pass. A modification date earlier than the publication date contradicts the
 * page and is dropped.
 */
export function pageDates(input: string | CheerioAPI, url: string, now: Date = new Date()): PageDates {
  const $ = typeof input === 'string' ? loadHtml(input) : input;
  const ld = jsonLdObjects($);
  const meta = metaValues($);
  const publishedAt =
    fromJsonLd(ld, ['datePublished', 'dateCreated', 'uploadDate'], now) ??
    fromMeta(meta, PUBLISHED_META_KEYS, now) ??
    fromTime($, false, now) ??
    urlPathDate(url, now);
  let modifiedAt =
    fromJsonLd(ld, ['dateModified'], now) ?? fromMeta(meta, MODIFIED_META_KEYS, now) ?? fromTime($, true, now);
  if (modifiedAt && publishedAt && modifiedAt < publishedAt) modifiedAt = undefined;
  return { publishedAt, modifiedAt };
}

/** The page's publication date as an ISO string, or undefined (see the module comment). */
export function publishedDate(input: string | CheerioAPI, url: string, now: Date = new Date()): string | undefined {
  return pageDates(input, url, now).publishedAt;
}

/** The page's last modification date as an ISO string, or undefined. */
export function modifiedDate(input: string | CheerioAPI, url: string, now: Date = new Date()): string | undefined {
  return pageDates(input, url, now).modifiedAt;
}
