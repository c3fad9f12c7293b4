import type { DocumentVersion, RadarDocument } from '@radar/core';

/** What a version of a document said (its text, hash, dates and diff), as history keeps it. */
export function versionOf(doc: RadarDocument): DocumentVersion {
  const version: DocumentVersion = {
    version: doc.version,
    contentHash: doc.contentHash,
    title: doc.title ?? '',
    summary: doc.summary ?? '',
    body: doc.body ?? '',
    url: doc.url ?? '',
    indexedAt: doc.indexedAt ?? '',
  };
  if (doc.publishedAt) version.publishedAt = doc.publishedAt;
  if (doc.diff) version.diff = doc.diff;
  return version;
}

/**
 * A document's history, newest first: the current version from the document itself, then the
 * kept earlier versions. A kept version numbered at or above the current one (written before a
 * document write that never happened, or left by a deleted document of the same id) is ignored.
 */
export function versionHistory(current: RadarDocument, earlier: readonly DocumentVersion[]): DocumentVersion[] {
  const older = earlier.filter((v) => v.version < current.version).sort((a, b) => b.version - a.version);
  return [versionOf(current), ...older];
}
