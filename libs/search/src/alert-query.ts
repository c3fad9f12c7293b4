/**
 * The `query` filter of `listAlerts`, shared by the adapters: alerts whose document matches a
 * query of the search language (words, phrases, `agency:`, `published:` ...), evaluated in memory
 * over the documents exactly as subscriptions are. Alerts are read newest first in pages with the
 * adapter's other filters, their documents fetched in one read per page.
 */
import { type Alert, matchesDocument, type QueryNode, type RadarDocument } from '@radar/core';
import type { AlertFilter, AlertPage } from './search-index.port';
import { encodeCursor, pageLimit } from './sqlite/cursor';
import { sortableInstant } from './sqlite/fts-compiler';

/** Alerts one call examines at most; past it the page comes back short, with a cursor to go on. */
export const ALERT_QUERY_SCAN = 5_000;
const SCAN_PAGE = 100;

/** The cursor of the alert list positioned after `alert` (both adapters read this shape). */
export function alertCursorAfter(alert: Alert): string {
  return encodeCursor({ k: 'alert', c: sortableInstant(alert.createdAt) ?? alert.createdAt, i: alert.id });
}

export async function listAlertsMatching(
  filter: AlertFilter & { query: QueryNode },
  listPage: (filter: AlertFilter) => Promise<AlertPage>,
  getDocuments: (ids: readonly string[]) => Promise<(RadarDocument | null)[]>,
): Promise<AlertPage> {
  const { query, ...rest } = filter;
  const limit = pageLimit(filter.limit);
  const alerts: Alert[] = [];
  let cursor = filter.cursor;
  let scanned = 0;
  for (;;) {
    const page = await listPage({ ...rest, cursor, limit: SCAN_PAGE });
    const docs = await getDocuments(page.alerts.map((a) => a.documentId));
    for (let i = 0; i < page.alerts.length; i++) {
      const alert = page.alerts[i]!;
      const doc = docs[i];
      scanned++;
      if (doc && matchesDocument(query, doc)) {
        if (alerts.length === limit) return { alerts, nextCursor: alertCursorAfter(alerts[limit - 1]!) };
        alerts.push(alert);
      }
      if (scanned >= ALERT_QUERY_SCAN) {
        const more = i < page.alerts.length - 1 || page.nextCursor !== undefined;
        return more ? { alerts, nextCursor: alertCursorAfter(alert) } : { alerts };
      }
    }
    if (page.nextCursor === undefined) return { alerts };
    cursor = page.nextCursor;
  }
}
