import type { TextDiff } from './document';

/**
 * One version of a stored document, as a reader sees it: what it said then and what changed from
 * the version before. A new version exists only when the content (title, summary, body, URL)
 * changed; a re-tag of the same content is the same version.
 */
export interface DocumentVersion {
  version: number;
  contentHash: string;
  title: string;
  summary: string;
  body: string;
  url: string;
  /** When this version was indexed (for the current version: its latest write, re-tags included). */
  indexedAt: string;
  publishedAt?: string;
  /** Lines added and removed since the previous version (absent on the first). */
  diff?: TextDiff;
}
