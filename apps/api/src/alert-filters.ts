import { ALERT_STATES, DOC_TYPES, parseQuery, PRIORITIES, type QueryNode } from '@radar/core';
import type { AlertFilter } from '@radar/search';
import { z } from 'zod';

/** The filters of GET /api/alerts and of the alert feeds (a feed URL is a saved alert filter). */
export const alertFilterParams = z.object({
  sector: z.string().max(100).optional(),
  area: z.string().max(100).optional(),
  goal: z.string().max(100).optional(),
  priority: z.enum(PRIORITIES).optional(),
  type: z.enum(DOC_TYPES).optional(),
  state: z.enum(ALERT_STATES).optional(),
  agency: z.string().trim().min(1).max(200).optional(),
  q: z.string().max(2000).optional(),
  since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
});
export type AlertFilterParams = z.output<typeof alertFilterParams>;

/**
 * The index's filter for validated parameters: `since` as an instant; `q` (query language; a
 * malformed one throws QuerySyntaxError, a 400) and `agency` as one query over the alert's document.
 */
export function toAlertFilter(params: AlertFilterParams): Omit<AlertFilter, 'limit' | 'cursor'> {
  const { q, agency, since, ...rest } = params;
  const parts: QueryNode[] = [];
  if (q !== undefined && q.trim() !== '') parts.push(parseQuery(q));
  if (agency !== undefined) parts.push({ kind: 'keyword', field: 'agency', value: agency });
  const filter: Omit<AlertFilter, 'limit' | 'cursor'> = { ...rest };
  if (since !== undefined) filter.since = new Date(since).toISOString();
  if (parts.length > 0) filter.query = parts.length === 1 ? parts[0] : { kind: 'and', children: parts };
  return filter;
}
