import * as cheerio from 'cheerio';
import type { Cheerio } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { SourceParseError, type SourceParser } from '../parser';
import { billId } from '../identifiers';
import { collapse, finishItem, plausibleDate } from './common';
import { billLabel, congressGovUrl, ordinal } from './bills';
import { decodeFeed, htmlToText } from './feed-parser';

/** Most recent actions written into the body; an omnibus bill has hundreds. */
const MAX_ACTIONS = 40;

function child(el: Cheerio<AnyNode>, ...names: string[]): string {
  for (const name of names) {
    const text = collapse(el.children(name).first().text());
    if (text) return text;
  }
  return '';
}

/**
 * The SourceParser for kind bill-status: one GPO BILLSTATUS XML file (govinfo bulk data), in the
 * current `<bill><type><number>` layout or the legacy `<billType><billNumber>` one. Only the bill's
 * own elements are read (related bills and amendments carry titles and actions of their own).
 */
export const parseBillStatus: SourceParser = async (body, ctx) => {
  const $ = cheerio.load(decodeFeed(body, ctx.contentType), { xml: true });
  const bill = $('billStatus > bill').first();
  if (!bill.length) throw new SourceParseError('not a BILLSTATUS document: no <billStatus><bill>');
  const type = child(bill, 'type', 'billType');
  const number = child(bill, 'number', 'billNumber');
  const congress = Number(child(bill, 'congress'));
  const title = child(bill, 'title') || collapse(bill.children('titles').find('title').first().text());
  if (!type || !/^\d+$/.test(number) || !congress || !title) {
    throw new SourceParseError('BILLSTATUS document without bill type, number, congress or title');
  }
  const id = billId(type, number, congress);
  const introduced = child(bill, 'introducedDate');
  const latest = bill.children('latestAction').first();
  const latestDate = child(latest, 'actionDate');
  const latestText = child(latest, 'text');
  const sponsors = bill
    .children('sponsors')
    .children('item')
    .map((_, s) => collapse($(s).children('fullName').text()))
    .get()
    .filter(Boolean);
  const policyArea = collapse(bill.children('policyArea').children('name').text());
  const subjects = bill
    .children('subjects')
    .find('legislativeSubjects > item > name')
    .map((_, s) => collapse($(s).text()))
    .get()
    .filter(Boolean);

  // Summaries: <summaries><summary> (current) or <summaries><billSummaries><item> (legacy); the latest wins.
  const summaries = bill
    .children('summaries')
    .find('summary, billSummaries > item')
    .map((_, s) => ({ date: child($(s), 'actionDate'), text: htmlToText($(s).children('text').text()) }))
    .get()
    .filter((s) => s.text)
    .sort((a, b) => a.date.localeCompare(b.date));
  const actions = bill
    .children('actions')
    .children('item')
    .map((_, a) => ({ date: child($(a), 'actionDate'), text: child($(a), 'text') }))
    .get()
    .filter((a) => a.text)
    .sort((a, b) => b.date.localeCompare(a.date));
  const seen = new Set<string>();
  const actionLines = actions
    .filter((a) => !seen.has(`${a.date} ${a.text}`) && seen.add(`${a.date} ${a.text}`))
    .slice(0, MAX_ACTIONS)
    .map((a) => `${a.date}: ${a.text}`);

  const summary = [
    `${billLabel(type, number)} (${ordinal(congress)} Congress).`,
    introduced ? `Introduced ${introduced}${sponsors.length ? ` by ${sponsors.join(', ')}` : ''}.` : '',
    latestText ? `Latest action${latestDate ? ` ${latestDate}` : ''}: ${latestText}` : '',
    policyArea ? `Policy area: ${policyArea}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const bodyText = [
    summaries.at(-1)?.text ?? '',
    subjects.length ? `Subjects: ${subjects.join('; ')}.` : '',
    actionLines.length ? `Actions: ${actionLines.join(' | ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const item = finishItem(
    {
      sourceId: ctx.source.id,
      guid: id,
      url: congressGovUrl(congress, type, number),
      title,
      summary,
      body: bodyText,
      publishedAt: plausibleDate(latestDate, ctx.now) ?? plausibleDate(introduced, ctx.now),
      fetchedAt: ctx.now.toISOString(),
      docTypeHint: 'bill',
    },
    { bills: [id] },
  );
  return { items: [item] };
};
