/**
 * Opaque page cursors: base64url of a small JSON object. Callers must treat them as opaque;
 * a cursor that does not decode, or that belongs to another sort order, is rejected with
 * `InvalidCursorError` (the API maps it to a 400).
 */
import { InvalidCursorError } from '../search-index.port';

/** Keyset position in date order: the last hit's `published_at` and id. */
export interface DateCursor {
  k: 'date';
  p: string;
  i: string;
  /** Elasticsearch: the point in time the next page reads (absent: a fresh read, same keyset). */
  pit?: string;
}

/** Relevance pages are offset-based (see the adapter's notes on why). */
export interface RelevanceCursor {
  k: 'rel';
  o: number;
  /** 1: a broad query ranked in two tiers (kept so every page is cut from the same order). */
  t?: 1;
  /** SQLite: the largest document key when the first page was read; later pages see no newer. */
  b?: number;
  /** Elasticsearch: the point in time later pages read. */
  pit?: string;
}

/** Keyset position in alert order: the last alert's `created_at` and id. */
export interface AlertCursor {
  k: 'alert';
  c: string;
  i: string;
}

export type Cursor = DateCursor | RelevanceCursor | AlertCursor;

export { InvalidCursorError };

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

export function decodeCursor<K extends Cursor['k']>(raw: string, kind: K): Extract<Cursor, { k: K }> {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidCursorError();
  const c = parsed as Record<string, unknown>;
  if (c.k !== kind) throw new InvalidCursorError('Cursor belongs to another listing or sort order');
  const ok =
    (kind === 'date' && isString(c.p) && isString(c.i)) ||
    (kind === 'alert' && isString(c.c) && isString(c.i)) ||
    (kind === 'rel' &&
      typeof c.o === 'number' &&
      Number.isInteger(c.o) &&
      c.o >= 0 &&
      (c.t === undefined || c.t === 1) &&
      (c.b === undefined || (Number.isSafeInteger(c.b) && (c.b as number) >= 0)) &&
      (c.pit === undefined || isString(c.pit)));
  if (!ok) throw new InvalidCursorError();
  return c as unknown as Extract<Cursor, { k: K }>;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** Page size: default 20, clamped to 1..100. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}
