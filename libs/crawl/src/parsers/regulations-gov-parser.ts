import type { DocType, RawItem } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { extractIdentifiers, mergeIdentifiers } from '../identifiers';
import { asArray, asObject, calendarDate, collapse, finishItem, plausibleDate, readJson, str } from './common';
import { htmlToText } from './feed-parser';

const DOC_TYPES: Record<string, DocType> = {
  rule: 'rule',
  'proposed rule': 'proposed_rule',
  notice: 'notice',
};

const PAGES: Record<string, string> = { documents: 'document', dockets: 'docket', comments: 'comment' };

/** One JSON:API resource of api.regulations.gov v4 (a document, docket or comment) as a raw item. */
export function regulationsResourceToItem(
  resource: Record<string, unknown>,
  sourceId: string,
  now: Date,
): RawItem | undefined {
  const id = str(resource.id).trim();
  const type = str(resource.type) || 'documents';
  const a = asObject(resource.attributes) ?? {};
  const title = collapse(str(a.title));
  if (!id || !title) return undefined;
  const abstract = htmlToText(str(a.docAbstract) || str(a.dkAbstract) || str(a.comment));
  const dates: string[] = [];
  const commentsClose = calendarDate(a.commentEndDate);
  const effective = calendarDate(a.effectiveDate);
  if (commentsClose) dates.push(`Comments close on ${commentsClose}.`);
  if (effective) dates.push(`Effective ${effective}.`);
  const docketId = str(a.docketId).trim() || (type === 'dockets' ? id : '');
  const frDocNum = str(a.frDocNum).trim();
  const rins = [str(a.rin), ...asArray(a.additionalRins).map(str)].filter((r) => /^\d{4}-[A-Z]{2}\d{2,3}$/.test(r));
  const agency = str(a.agencyId).trim();
  return finishItem(
    {
      sourceId,
      guid: id,
      url: `https://www.regulations.gov/${PAGES[type] ?? 'document'}/${encodeURIComponent(id)}`,
      title,
      summary: [abstract, ...dates].filter(Boolean).join(' '),
      body: '',
      publishedAt: plausibleDate(str(a.postedDate) || str(a.modifyDate) || str(a.lastModifiedDate), now),
      fetchedAt: now.toISOString(),
      docTypeHint: DOC_TYPES[str(a.documentType).toLowerCase()],
      agencies: agency ? [agency] : [],
    },
    mergeIdentifiers(
      { dockets: docketId ? [docketId] : [], frDocumentNumbers: frDocNum ? [frDocNum] : [], rins },
      extractIdentifiers(str(a.cfrPart)),
    ),
  );
}

/** The next page: `links.next` when given, else `meta.hasNextPage` with `page[number]` raised by one. */
function nextPage(data: Record<string, unknown>, url: string): string | undefined {
  const next = str(asObject(data.links)?.next).trim();
  if (next) return next;
  const meta = asObject(data.meta);
  if (meta?.hasNextPage !== true) return undefined;
  try {
    const u = new URL(url);
    const page = Number(meta.pageNumber) || Number(u.searchParams.get('page[number]')) || 1;
    u.searchParams.set('page[number]', String(page + 1));
    return u.toString();
  } catch {
    return undefined;
  }
}

/** The SourceParser for kind regulations-gov: v4 `/documents`, `/dockets`, `/comments` lists and single resources. */
export const parseRegulationsGov: SourceParser = async (body, ctx) => {
  const data = asObject(readJson(body, 'regulations.gov'));
  if (!data) throw new SourceParseError('regulations.gov: expected a JSON:API object');
  if (data.errors || data.error) {
    const first = asObject(asArray(data.errors)[0]) ?? asObject(data.error);
    throw new SourceParseError(
      `regulations.gov API error: ${str(first?.title) || str(first?.code) || 'unknown'} ${str(first?.detail)}`.trim(),
    );
  }
  if (data.data === undefined) throw new SourceParseError('regulations.gov: no "data" member');
  const resources = Array.isArray(data.data) ? data.data : [data.data];
  const items = resources.flatMap((r) => {
    const resource = asObject(r);
    const item = resource && regulationsResourceToItem(resource, ctx.source.id, ctx.now);
    return item ? [item] : [];
  });
  return { items, nextPageUrl: nextPage(data, ctx.url) };
};
