import * as cheerio from 'cheerio';
import type { RawItem } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { collapse, finishItem, plausibleDate, resolveUrl } from './common';
import { decodeFeed } from './feed-parser';

/**
 * Dates as listing pages print them: ISO, "April 21, 2026", "21 April 2026", "04/21/2026",
 * "Apr. 21, 2026". Anything Date.parse reads otherwise is accepted too.
 */
export function parseListingDate(text: string, now: Date): string | undefined {
  const cleaned = collapse(text)
    .replace(/^(?:posted|published|updated|date)\s*:?\s*/i, '')
    .replace(/\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\./gi, '$1')
    .replace(/\bsept\b/i, 'Sep');
  const iso = /\b(\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)/.exec(cleaned)?.[1];
  if (iso) return plausibleDate(iso, now);
  const us = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/.exec(cleaned);
  if (us) return plausibleDate(`${us[3]}-${us[1].padStart(2, '0')}-${us[2].padStart(2, '0')}`, now);
  const dayFirst = /\b(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})\b/.exec(cleaned);
  if (dayFirst) return plausibleDate(`${dayFirst[2]} ${dayFirst[1]}, ${dayFirst[3]} UTC`, now);
  const monthFirst = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b/.exec(cleaned);
  if (monthFirst) return plausibleDate(`${monthFirst[1]} ${monthFirst[2]}, ${monthFirst[3]} UTC`, now);
  return plausibleDate(cleaned, now);
}

/** The SourceParser for kind html-list: a listing page read with the source's cheerio selectors. */
export const parseHtmlList: SourceParser = async (body, ctx) => {
  const selectors = ctx.source.htmlList;
  if (!selectors) throw new SourceParseError(`source ${ctx.source.id} has kind html-list but no htmlList selectors`);
  const $ = cheerio.load(decodeFeed(body, ctx.contentType));
  const base = $('base[href]').attr('href') ? resolveUrl($('base[href]').attr('href')!, ctx.url) : ctx.url;
  const fetchedAt = ctx.now.toISOString();
  const items: RawItem[] = [];
  const seen = new Set<string>();
  let matched = 0;
  $(selectors.item).each((_, el) => {
    matched++;
    const item = $(el);
    // A selector may name the item itself (a listing of bare <a> elements).
    const pick = (selector: string) => {
      const found = item.find(selector).first();
      return found.length ? found : item.is(selector) ? item : found;
    };
    const titleEl = pick(selectors.title);
    const linkEl = pick(selectors.link);
    const title = collapse(titleEl.text());
    const href = (linkEl.attr('href') ?? linkEl.find('a[href]').first().attr('href') ?? '').trim();
    if (!title || !href || /^(?:javascript|mailto):/i.test(href)) return;
    const url = resolveUrl(href, base);
    if (seen.has(url)) return;
    seen.add(url);
    let publishedAt: string | undefined;
    if (selectors.date) {
      const dateEl = pick(selectors.date);
      const machine = dateEl.attr('datetime') ?? dateEl.attr('content') ?? dateEl.find('[datetime]').attr('datetime');
      publishedAt = parseListingDate(machine ?? dateEl.text(), ctx.now);
    }
    const summary = selectors.summary ? collapse(pick(selectors.summary).text()) : '';
    items.push(
      finishItem({ sourceId: ctx.source.id, guid: url, url, title, summary, body: '', publishedAt, fetchedAt }),
    );
  });
  if (matched === 0) {
    throw new SourceParseError(
      `html-list: selector "${selectors.item}" matched nothing on ${ctx.url} (page layout changed?)`,
    );
  }
  return { feed: { title: collapse($('title').first().text()) || undefined, link: ctx.url }, items };
};
