import type { DocType, DocumentIdentifiers, RawItem } from '@radar/core';
import { SourceParseError, type SourceParser } from '../parser';
import { extractIdentifiers, mergeIdentifiers } from '../identifiers';
import { asArray, asObject, calendarDate, collapse, finishItem, plausibleDate, readJson, str } from './common';
import { htmlToText } from './feed-parser';

/** The Federal Register's document types (API names and the issue XML's element names). */
const FR_TYPES: Record<string, DocType> = {
  rule: 'rule',
  'proposed rule': 'proposed_rule',
  prorule: 'proposed_rule',
  notice: 'notice',
  'presidential document': 'presidential_document',
  presdocu: 'presidential_document',
};

export function frDocType(type: unknown): DocType | undefined {
  return FR_TYPES[str(type).trim().toLowerCase()];
}

/** "Comments close on 2026-03-03. Effective 2026-04-01." from the API's date fields. */
export function frDateSentence(doc: Record<string, unknown>): string {
  const parts: string[] = [];
  const comments = calendarDate(doc.comments_close_on);
  const effective = calendarDate(doc.effective_on);
  if (comments) parts.push(`Comments close on ${comments}.`);
  if (effective) parts.push(`Effective ${effective}.`);
  return parts.join(' ');
}

function agencyNames(doc: Record<string, unknown>): string[] {
  const names = asArray(doc.agencies).map((a) => {
    const agency = asObject(a);
    return collapse(str(agency?.name) || str(agency?.raw_name));
  });
  if (!names.length) names.push(...asArray(doc.agency_names).map((n) => collapse(str(n))));
  return [...new Set(names.filter(Boolean))];
}

function knownIdentifiers(doc: Record<string, unknown>): DocumentIdentifiers {
  const rinInfo = asObject(doc.regulation_id_number_info);
  const rins = [...asArray(doc.regulation_id_numbers).map(str), ...(rinInfo ? Object.keys(rinInfo) : [])].filter((r) =>
    /^\d{4}-[A-Z]{2}\d{2,3}$/.test(r),
  );
  const cfrParts = asArray(doc.cfr_references).flatMap((r) => {
    const ref = asObject(r);
    const title = Number(str(ref?.title));
    const part = Number(str(ref?.part));
    return title && part ? [`${title} CFR ${part}`] : [];
  });
  const number = str(doc.document_number).trim();
  const citation = collapse(str(doc.citation));
  return mergeIdentifiers(
    {
      frDocumentNumbers: number ? [number] : [],
      frCitations: citation ? [citation] : [],
      rins,
      cfrParts,
    },
    // Docket strings come as stated ("Docket No. FDA-2014-D-0044"); keep the regulations.gov ids.
    extractIdentifiers(asArray(doc.docket_ids).map(str).join('\n')),
  );
}

/** One Federal Register API document (search result or single document) as a raw item. */
export function frDocumentToItem(doc: Record<string, unknown>, sourceId: string, now: Date): RawItem | undefined {
  const number = str(doc.document_number).trim();
  const title = collapse(str(doc.title));
  if (!number || !title) return undefined;
  const abstract = collapse(str(doc.abstract));
  // Presidential documents often have no abstract; the search excerpts are then the only text.
  const text = abstract || htmlToText(str(doc.excerpts));
  const dates = frDateSentence(doc);
  return finishItem(
    {
      sourceId,
      guid: number,
      url: str(doc.html_url).trim() || `https://www.federalregister.gov/d/${number}`,
      title,
      summary: [text, dates].filter(Boolean).join(' '),
      body: htmlToText(str(doc.body_html) || str(doc.full_text)),
      publishedAt: plausibleDate(str(doc.publication_date), now),
      fetchedAt: now.toISOString(),
      docTypeHint: frDocType(doc.type),
      agencies: agencyNames(doc),
    },
    knownIdentifiers(doc),
  );
}

/** The SourceParser for kind federal-register: `/api/v1/documents.json` searches and single documents. */
export const parseFederalRegister: SourceParser = async (body, ctx) => {
  const data = asObject(readJson(body, 'Federal Register API'));
  if (!data) throw new SourceParseError('Federal Register API: expected a JSON object');
  if (data.errors)
    throw new SourceParseError(`Federal Register API error: ${JSON.stringify(data.errors).slice(0, 300)}`);
  const docs = Array.isArray(data.results) ? data.results : data.document_number ? [data] : undefined;
  if (!docs && data.count === undefined) {
    throw new SourceParseError('Federal Register API: neither "results" nor a document');
  }
  const items = (docs ?? []).flatMap((d) => {
    const doc = asObject(d);
    const item = doc && frDocumentToItem(doc, ctx.source.id, ctx.now);
    return item ? [item] : [];
  });
  const next = str(data.next_page_url).trim();
  return { items, nextPageUrl: next || undefined };
};
