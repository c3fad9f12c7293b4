/**
 * Near-duplicate collapse: which documents report the same event, so they share one alert (one
 * email per subscriber) that lists every source.
 *
 * A document's collapse keys, strongest first:
 * - `doc:<document id>`: the document itself. Once a document has joined an alert, its later
 *   versions stay with that alert whatever else changes.
 * - `url:<canonical URL>`: scheme-less, lower-case host without `www.`, default port, fragment
 *   and trailing slash dropped, tracking parameters (utm_*, fbclid, gclid...) removed and the
 *   rest sorted. The definition of a near-duplicate: one event, one canonical URL (the
 *   Federal Register's API and its RSS feed report the same document under the same URL).
 * - `fr:<document number>`: a Federal Register document, when the URL is one of its
 *   federalregister.gov / govinfo.gov addresses, or when a rule, proposed rule, notice or
 *   presidential document states exactly one FR document number. News and press releases that
 *   merely cite a number are not collapsed on it: a story about an extended comment period cites
 *   the original proposal's number, and must not vanish into the proposal's alert.
 * - `bill:<id>`: a bill document (docType `bill`) naming exactly one bill (congress.gov and the
 *   GPO bill status feed report the same bill).
 * - `title:<normalised title>:<day>`: news and press releases whose titles, normalised (accents,
 *   case, punctuation, a trailing " | Site name" or " - Site name" dropped), are equal and have at
 *   least six words, published within two days: a document claims the keys of the day before,
 *   its day and the day after (UTC), so two reports at most two days apart share one.
 *
 * Not keys on purpose: dockets and RINs name a rulemaking, not an event: a proposed rule, its
 * comment-period extension and the final rule share them and are three alerts. CFR parts and FR
 * citations likewise.
 *
 * Pure functions; the durable claim of keys (race-safe across notifier workers) is the
 * SearchIndex's `claimAlertKeys`.
 */
import { stableHash } from './ids';
import type { DocType, RadarDocument } from './document';

/** Query parameters that only track the visit. */
const TRACKING_PARAM =
  /^(?:utm_[a-z0-9_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok|yclid|igshid)$/i;

/** Keys longer than this are cut and completed with a hash (Elasticsearch ids are at most 512 bytes). */
const MAX_KEY_LENGTH = 200;

/** Doc types whose own FR document number identifies them. */
const FR_DOC_TYPES: ReadonlySet<DocType> = new Set(['rule', 'proposed_rule', 'notice', 'presidential_document']);
/** Doc types collapsed by title: the same story written up by several outlets. */
const TITLE_DOC_TYPES: ReadonlySet<DocType> = new Set(['news', 'press_release']);
const MIN_TITLE_WORDS = 6;
const DAY_MS = 86_400_000;

const FR_NUMBER = /(?:^|[/_-])((?:19|20)\d{2}-\d{5})(?=$|[/._])/;

/** The canonical form of a URL for comparison, or undefined when it is not http(s). */
export function normaliseUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1) path = path.replace(/\/+$/, '');
  if (path === '/') path = '';
  const params = [...url.searchParams.entries()]
    .filter(([k]) => !TRACKING_PARAM.test(k))
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
  return `${host}${port}${path}${query}`;
}

/** The FR document number a federalregister.gov or govinfo.gov URL addresses, if any. */
export function frNumberFromUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const host = url.hostname.toLowerCase();
  if (!/(?:^|\.)(?:federalregister\.gov|govinfo\.gov)$/.test(host)) return undefined;
  for (const segment of url.pathname.split('/')) {
    const m = FR_NUMBER.exec(segment);
    if (m && !/^FR-\d{4}-\d{2}-\d{2}$/.test(segment)) return m[1];
  }
  return undefined;
}

/** A title as compared for news collapse: folded, site-name suffix dropped, punctuation gone. */
export function normaliseTitle(title: string): string {
  let t = title.normalize('NFKD').replace(/\p{M}+/gu, '');
  // "Story title | Outlet" / "Story title - Outlet": drop a short last part (a site name).
  const parts = t.split(/\s+[|–—-]\s+/);
  if (parts.length > 1 && parts[parts.length - 1]!.split(/\s+/).length <= 4) t = parts.slice(0, -1).join(' ');
  return t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function key(kind: string, value: string): string {
  const full = `${kind}:${value}`;
  return full.length <= MAX_KEY_LENGTH ? full : `${full.slice(0, MAX_KEY_LENGTH - 33)}#${stableHash([full], 32)}`;
}

const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export type CollapseInput = Pick<RadarDocument, 'id' | 'url' | 'title' | 'docType' | 'publishedAt' | 'identifiers'>;

/** The document's collapse keys, strongest first, the document's own key first (see the file comment). */
export function collapseKeys(doc: CollapseInput): string[] {
  const keys = [key('doc', doc.id)];
  const url = normaliseUrl(doc.url);
  if (url) keys.push(key('url', url));
  const frNumbers = doc.identifiers?.frDocumentNumbers ?? [];
  const fr =
    frNumberFromUrl(doc.url) ?? (FR_DOC_TYPES.has(doc.docType) && frNumbers.length === 1 ? frNumbers[0] : undefined);
  if (fr) keys.push(key('fr', fr));
  const bills = doc.identifiers?.bills ?? [];
  if (doc.docType === 'bill' && bills.length === 1) keys.push(key('bill', bills[0]!.toLowerCase()));
  const published = Date.parse(doc.publishedAt);
  if (TITLE_DOC_TYPES.has(doc.docType) && Number.isFinite(published)) {
    const title = normaliseTitle(doc.title);
    if (title.split(' ').length >= MIN_TITLE_WORDS) {
      for (const offset of [-1, 0, 1]) keys.push(key('title', `${title}:${utcDay(published + offset * DAY_MS)}`));
    }
  }
  return keys;
}
