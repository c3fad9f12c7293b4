import type { CheerioAPI } from 'cheerio';
import { loadHtml } from './html-text';

/**
 * Canonical URLs: the address a page says it lives at, cleaned so that two fetches of one article
 * (through a newsletter link, a share button, a feed) land on one string.
 *
 * Policy on where a canonical may point (decided here, relied on by deduplication):
 * - rel=canonical first, then og:url, then the fetched URL; relative values resolve against
 *   `<base href>` and the page URL.
 * - Only http(s) values on the **same registrable domain** as the page are accepted
 *   (www.energy.gov -> energy.gov is fine; example.com -> whitehouse.gov is not). A page cannot
 *   then claim another site's address and shadow that site's documents in the store. The price:
 *   syndicated copies (a local paper's AP story pointing at apnews.com) stay separate documents.
 * - A canonical pointing at the site's home page from a deeper page is a common CMS bug and would
 *   merge every article of the site into one; it is ignored.
 * - Tracking parameters are stripped, other parameters kept in their order and encoding; the
 *   fragment is dropped; the host is lower-cased and default ports removed (by the URL parser).
 *
 * The registrable domain is found with a small heuristic rather than the full Public Suffix List
 * (see `registrableDomain`).
 */

/** Query parameters that only track the visitor or the campaign (compared case-insensitively). */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'igsh',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  '__hstc',
  '__hssc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'ref_src',
  'ref_url',
  'cmpid',
  'icid',
  'ncid',
  'ocid',
  'sr_share',
  's_cid',
  's_kwcid',
  '_ga',
  '_gl',
  'oly_anon_id',
  'oly_enc_id',
  'rb_clickid',
  'vero_id',
  'vero_conv',
  'wickedid',
  'soc_src',
  'soc_trk',
  'at_medium',
  'at_campaign',
  'at_custom1',
  'at_custom2',
  'at_custom3',
  'at_custom4',
  'at_ptr',
  'ito',
  'trk',
  'trkcampaign',
  'sc_cid',
  'fb_action_ids',
  'fb_action_types',
  'fb_source',
  'fb_ref',
  'action_object_map',
  'action_type_map',
  'action_ref_map',
  'spm',
  'share_id',
]);

/** Parameter-name prefixes of tracking families (utm_source, pk_campaign, mtm_kwd, hsa_acc...). */
export const TRACKING_PREFIXES: readonly string[] = ['utm_', 'pk_', 'mtm_', 'hsa_', 'matomo_', 'piwik_'];

export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_PARAMS.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * An absolute http(s) URL in canonical form, or undefined when `value` is not one. `base` resolves
 * relative values.
 */
export function normaliseUrl(value: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim(), base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  if (url.search) {
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair.length > 0 && !isTrackingParam(decodeName(pair.split('=', 1)[0])));
    url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  }
  return url.href;
}

/** `normaliseUrl`, or the input unchanged when it is not an absolute http(s) URL. */
export function stripTrackingParams(url: string): string {
  return normaliseUrl(url) ?? url;
}

/** Second-level labels under which country-code domains register names (co.uk, com.au, go.jp...). */
const GENERIC_SECOND_LEVEL: ReadonlySet<string> = new Set([
  'ac',
  'co',
  'com',
  'edu',
  'gob',
  'gov',
  'govt',
  'go',
  'ltd',
  'me',
  'mil',
  'ne',
  'net',
  'nhs',
  'nic',
  'or',
  'org',
  'plc',
  'police',
  'sch',
]);

/** Hosting platforms where every subdomain is a different owner (the PSL's "private" section). */
const SHARED_HOSTS: readonly string[] = [
  'blogspot.com',
  'github.io',
  'gitlab.io',
  'wordpress.com',
  'tumblr.com',
  'substack.com',
  'medium.com',
  'herokuapp.com',
  'netlify.app',
  'vercel.app',
  'pages.dev',
  'appspot.com',
  'cloudfront.net',
  'azurewebsites.net',
  's3.amazonaws.com',
  'web.app',
  'firebaseapp.com',
];

/**
 * The registrable domain ("site") of a host: `www.energy.gov` -> `energy.gov`,
 * `news.bbc.co.uk` -> `bbc.co.uk`, `alice.github.io` -> `alice.github.io`; IP addresses are their
 * own site. A heuristic standing in for the Public Suffix List: two labels, or three under a
 * generic second level of a two-letter country domain, or one more under a known shared host.
 */
export function registrableDomain(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  if (/^\[.*\]$/.test(lower) || /^\d{1,3}(\.\d{1,3}){3}$/.test(lower)) return lower;
  const labels = lower.split('.');
  const shared = SHARED_HOSTS.find((suffix) => lower === suffix || lower.endsWith(`.${suffix}`));
  if (shared) return labels.slice(-(shared.split('.').length + 1)).join('.');
  const n = labels.length;
  if (n >= 3 && labels[n - 1].length === 2 && GENERIC_SECOND_LEVEL.has(labels[n - 2])) {
    return labels.slice(-3).join('.');
  }
  return labels.slice(-2).join('.');
}

export function sameSite(a: string, b: string): boolean {
  try {
    return registrableDomain(new URL(a).hostname) === registrableDomain(new URL(b).hostname);
  } catch {
    return false;
  }
}

/** The document's base for relative links: `<base href>` resolved against the page URL. */
export function documentBase($: CheerioAPI, url: string): string {
  const href = $('base[href]').first().attr('href');
  if (!href) return url;
  try {
    return new URL(href.trim(), url).href;
  } catch {
    return url;
  }
}

function acceptable(candidate: string | undefined, page: string): boolean {
  if (!candidate || !sameSite(candidate, page)) return false;
  const c = new URL(candidate);
  const p = new URL(page);
  const isHome = (u: URL): boolean => (u.pathname === '/' || u.pathname === '') && !u.search;
  return !(isHome(c) && !isHome(p));
}

/**
 * The page's canonical URL: rel=canonical, else og:url, else `url`, normalised (see the module
 * comment for what is refused). Returns `url` unchanged when it is not an absolute http(s) URL.
 */
export function canonicalUrl(input: string | CheerioAPI, url: string): string {
  const page = normaliseUrl(url);
  if (!page) return url;
  const $ = typeof input === 'string' ? loadHtml(input) : input;
  const base = documentBase($, url);
  const candidates = [
    ...$('link[rel][href]')
      .toArray()
      .filter((el) => (el.attribs.rel ?? '').toLowerCase().split(/\s+/).includes('canonical'))
      .map((el) => el.attribs.href),
    ...$('meta[property][content], meta[name][content]')
      .toArray()
      .filter((el) => (el.attribs.property ?? el.attribs.name ?? '').toLowerCase() === 'og:url')
      .map((el) => el.attribs.content),
  ];
  for (const raw of candidates) {
    if (!raw || !raw.trim()) continue;
    const candidate = normaliseUrl(raw, base);
    if (acceptable(candidate, page)) return candidate!;
  }
  return page;
}
