/**
 * Export of a search: every matching document, newest first, as CSV (RFC 4180) or JSON Lines,
 * written page by page so memory stays flat for any result size.
 */
import type { Writable } from 'node:stream';
import type { QueryNode, RadarDocument } from '@radar/core';
import type { SearchIndex } from '@radar/search';

/** Documents read per search page while exporting. */
export const EXPORT_PAGE_SIZE = 100;

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

export const CSV_COLUMNS = [
  'id',
  'publishedAt',
  'title',
  'url',
  'sourceId',
  'docType',
  'subSectors',
  'focusAreas',
  'priority',
  'policyAction',
  'agencies',
] as const;

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: formula-looking text defused with a leading `'`, then RFC 4180 quoting. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const CSV_HEADER = csvLine(CSV_COLUMNS);

export function csvRow(doc: RadarDocument): string {
  return csvLine([
    doc.id,
    doc.publishedAt,
    doc.title,
    doc.url,
    doc.sourceId,
    doc.docType,
    doc.subSectors.map((s) => s.id).join(';'),
    doc.focusAreas.join(';'),
    doc.priority,
    String(doc.policyAction),
    doc.agencies.join(';'),
  ]);
}

export function jsonlRow(doc: RadarDocument): string {
  return `${JSON.stringify(doc)}\n`;
}

/**
 * Pages of every document matching the query, newest first, through the date-order keyset
 * cursor (stable while documents are written). The first page is read before this returns, so
 * a query or backend error surfaces before the caller has written anything. Stopping the
 * iteration stops the paging.
 */
export async function openExport(
  index: Pick<SearchIndex, 'search'>,
  query: QueryNode,
  pageSize = EXPORT_PAGE_SIZE,
): Promise<AsyncIterable<RadarDocument[]>> {
  const page = (cursor?: string) => index.search({ query, sort: 'date', limit: pageSize, cursor, facets: [] });
  const first = await page();
  return (async function* () {
    let result = first;
    for (;;) {
      yield result.hits.map((h) => h.document);
      if (!result.nextCursor) return;
      result = await page(result.nextCursor);
    }
  })();
}

export type ExportOutcome = { outcome: 'complete' | 'aborted'; documents: number };

/**
 * Writes the pages to the sink, one chunk per page, waiting for `drain` when the sink's buffer
 * is full, and ends it. Stops reading pages as soon as the sink closes early (the client went
 * away): `aborted`.
 */
export async function writeExport(
  pages: AsyncIterable<RadarDocument[]>,
  format: ExportFormat,
  sink: Writable,
): Promise<ExportOutcome> {
  let closed = sink.destroyed;
  const onClose = () => {
    if (!sink.writableFinished) closed = true;
  };
  sink.on('close', onClose);
  let documents = 0;
  try {
    const row = format === 'csv' ? csvRow : jsonlRow;
    if (format === 'csv' && !(await write(sink, CSV_HEADER))) return { outcome: 'aborted', documents };
    for await (const docs of pages) {
      if (closed) return { outcome: 'aborted', documents };
      if (docs.length === 0) continue;
      if (!(await write(sink, docs.map(row).join('')))) return { outcome: 'aborted', documents };
      documents += docs.length;
    }
    if (closed) return { outcome: 'aborted', documents };
    sink.end();
    return { outcome: 'complete', documents };
  } finally {
    sink.off('close', onClose);
  }
}

/** Writes a chunk; when the buffer is full, resolves on `drain` (true) or `close` (false). */
function write(sink: Writable, chunk: string): Promise<boolean> {
  if (sink.destroyed) return Promise.resolve(false);
  if (sink.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      sink.off('drain', onDrain);
      sink.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    sink.on('drain', onDrain);
    sink.on('close', onClose);
  });
}
