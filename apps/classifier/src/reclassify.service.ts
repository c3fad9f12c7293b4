import type { RadarDocument } from '@radar/core';
import type { SearchIndex } from '@radar/search';
import { classifyContent, sameTags } from './document-classification';

export interface ReclassifyProgress {
  scanned: number;
  changed: number;
  /** Documents in the index when the run started (for a progress bar). */
  total: number;
}

export interface ReclassifyOptions {
  /** Count what would change without writing. */
  dryRun?: boolean;
  batchSize?: number;
  onProgress?: (progress: ReclassifyProgress) => void;
}

/**
 * `radar reclassify`: re-tags every stored document with the current classifier and vocabulary,
 * writing only the documents whose tags changed (same version and content; new tags, new
 * indexedAt). Safe to interrupt and run again.
 */
export async function reclassifyAll(index: SearchIndex, options: ReclassifyOptions = {}): Promise<ReclassifyProgress> {
  const progress: ReclassifyProgress = { scanned: 0, changed: 0, total: await index.count() };
  for await (const batch of index.streamDocuments(options.batchSize ?? 500)) {
    const now = new Date().toISOString();
    const changed: RadarDocument[] = [];
    for (const doc of batch) {
      const classification = classifyContent(doc);
      if (!sameTags(doc, classification)) changed.push({ ...doc, ...classification, indexedAt: now });
    }
    if (changed.length && !options.dryRun) {
      const results = await index.upsertDocuments(changed, { force: true });
      const failed = results.filter((r) => r.outcome === 'failed');
      if (failed.length)
        throw new Error(`reclassify: ${failed.length} documents could not be written, first ${failed[0].id}`);
    }
    progress.scanned += batch.length;
    progress.changed += changed.length;
    options.onProgress?.({ ...progress });
  }
  return progress;
}
