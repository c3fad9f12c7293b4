import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { evaluateFeedback, FeedbackCase, formatFeedbackTable } from '@radar/classify';
import { RadarConfig } from '@radar/config';
import { defaultTaxonomy, Feedback, FeedbackKind } from '@radar/core';
import { createSearchIndex, SearchIndex } from '@radar/search';
import { classifyContent } from '../../classifier/src/document-classification';
import { reclassifyAll } from '../../classifier/src/reclassify.service';

async function withIndex<T>(config: RadarConfig, fn: (index: SearchIndex) => Promise<T>): Promise<T> {
  const index = await createSearchIndex(config);
  try {
    return await fn(index);
  } finally {
    await index.close();
  }
}

/** `radar feedback --document ID --wrong|--missing LABEL`: records a tag correction. */
export async function feedbackCommand(
  config: RadarConfig,
  input: { documentId: string; kind: FeedbackKind; label: string; note?: string; by?: string },
  output: Writable,
): Promise<number> {
  if (!defaultTaxonomy().subSectors.some((s) => s.id === input.label)) {
    throw new Error(`"${input.label}" is not a sub-sector id of the taxonomy`);
  }
  return withIndex(config, async (index) => {
    if (!(await index.getDocument(input.documentId))) throw new Error(`no document with id ${input.documentId}`);
    const feedback: Feedback = { id: randomUUID(), ...input, createdAt: new Date().toISOString() };
    await index.recordFeedback(feedback);
    output.write(`${JSON.stringify(feedback)}\n`);
    return 0;
  });
}

/** `radar eval --feedback [--json]`: how far the current classifier agrees with recorded feedback. */
export async function evalFeedbackCommand(config: RadarConfig, json: boolean, output: Writable): Promise<number> {
  return withIndex(config, async (index) => {
    const cases: FeedbackCase[] = [];
    for (const feedback of await index.listFeedback({})) {
      const doc = await index.getDocument(feedback.documentId);
      if (doc) cases.push({ feedback, predicted: classifyContent(doc).subSectors.map((s) => s.id) });
    }
    const result = evaluateFeedback(cases);
    output.write(json ? `${JSON.stringify(result)}\n` : `${formatFeedbackTable(result)}\n`);
    return 0;
  });
}

/** `radar reclassify [--dry-run]`: re-tags stored documents, writing only those whose tags changed. */
export async function reclassifyCommand(
  config: RadarConfig,
  dryRun: boolean,
  output: Writable,
  progress: Writable & { isTTY?: boolean },
): Promise<number> {
  return withIndex(config, async (index) => {
    let lastLine = 0;
    const result = await reclassifyAll(index, {
      dryRun,
      onProgress: ({ scanned, changed, total }) => {
        const width = 30;
        const done = total ? Math.min(width, Math.round((scanned / total) * width)) : width;
        const line = `[${'#'.repeat(done)}${' '.repeat(width - done)}] ${scanned}/${total} scanned, ${changed} changed`;
        if (progress.isTTY) progress.write(`\r${line}`);
        else if (Date.now() - lastLine > 2000 || scanned >= total) {
          progress.write(`${line}\n`);
          lastLine = Date.now();
        }
      },
    });
    if (progress.isTTY) progress.write('\n');
    output.write(`${dryRun ? 'would change' : 'changed'} ${result.changed} of ${result.scanned} documents\n`);
    return 0;
  });
}
