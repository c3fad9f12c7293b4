import type { RawItem } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { billId } from '../identifiers';
import { asArray, asObject, collapse, finishItem, plausibleDate, readJson, str } from './common';
import { billLabel, congressGovUrl, ordinal } from './bills';

/**
 * One bill of the congress.gov v3 API (a `bills[]` entry or a `bill` response) as a raw item. The
 * date is the latest action's (what a watcher is told about), else the introduction or update date.
 */
export function congressBillToItem(bill: Record<string, unknown>, sourceId: string, now: Date): RawItem | undefined {
  const congress = Number(str(bill.congress));
  const type = str(bill.type).trim();
  const number = str(bill.number).trim();
  const title = collapse(str(bill.title));
  if (!congress || !type || !/^\d+$/.test(number) || !title) return undefined;
  const id = billId(type, number, congress);
  const latest = asObject(bill.latestAction);
  const latestDate = str(latest?.actionDate);
  const latestText = collapse(str(latest?.text));
  const sponsors = asArray(bill.sponsors)
    .map((s) => collapse(str(asObject(s)?.fullName)))
    .filter(Boolean);
  const policyArea = collapse(str(asObject(bill.policyArea)?.name));
  const introduced = str(bill.introducedDate);
  const summary = [
    `${billLabel(type, number)} (${ordinal(congress)} Congress).`,
    introduced ? `Introduced ${introduced}${sponsors.length ? ` by ${sponsors.join(', ')}` : ''}.` : '',
    latestText ? `Latest action${latestDate ? ` ${latestDate}` : ''}: ${latestText}` : '',
    policyArea ? `Policy area: ${policyArea}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return finishItem(
    {
      sourceId,
      guid: id,
      url: congressGovUrl(congress, type, number),
      title,
      summary,
      body: '',
      publishedAt:
        plausibleDate(latestDate, now) ?? plausibleDate(introduced, now) ?? plausibleDate(str(bill.updateDate), now),
      fetchedAt: now.toISOString(),
      docTypeHint: 'bill',
    },
    { bills: [id] },
  );
}

/** The SourceParser for kind congress: `/v3/bill` lists (`bills[]`, `pagination.next`) and single bills. */
export const parseCongress: SourceParser = async (body, ctx) => {
  const data = asObject(readJson(body, 'congress.gov API'));
  if (!data) throw new SourceParseError('congress.gov API: expected a JSON object');
  const error = asObject(data.error) ?? (typeof data.error === 'string' ? { message: data.error } : undefined);
  if (error) throw new SourceParseError(`congress.gov API error: ${str(error.message) || str(error.code)}`);
  const bills = Array.isArray(data.bills) ? data.bills : asObject(data.bill) ? [data.bill] : undefined;
  if (!bills) throw new SourceParseError('congress.gov API: neither "bills" nor "bill"');
  const items = bills.flatMap((b) => {
    const bill = asObject(b);
    const item = bill && congressBillToItem(bill, ctx.source.id, ctx.now);
    return item ? [item] : [];
  });
  const next = str(asObject(data.pagination)?.next).trim();
  return { items, nextPageUrl: next || undefined };
};
