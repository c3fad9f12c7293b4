import { createHash } from 'node:crypto';

/** Hex SHA-256 of the parts joined by NUL, cut to `length` characters. */
export function stableHash(parts: readonly string[], length = 32): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, length);
}

/** A document's id is stable for one item of one source, whatever its content becomes. */
export function documentId(sourceId: string, guid: string): string {
  return stableHash([sourceId, guid], 24);
}

/** Hash of what a reader sees: a change here makes a new version. */
export function contentHash(item: { title: string; summary: string; body: string; url: string }): string {
  return stableHash([item.title, item.summary, item.body, item.url], 32);
}
