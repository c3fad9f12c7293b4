import { classify } from '@radar/classify';
import type { Classification, DocType } from '@radar/core';

export interface ClassifiableContent {
  title: string;
  summary: string;
  body: string;
  url: string;
  sourceId: string;
  hints?: { docType?: DocType; agencies?: string[] };
}

/**
 * The classification stored with a document: the classifier's answer, with what the source
 * itself states (its document type, its agencies) taking precedence. Ingest and reclassify share
 * it, so re-tagging an unchanged document gives the answer ingest would.
 */
export function classifyContent(content: ClassifiableContent): Classification {
  const classification = classify({
    title: content.title,
    summary: content.summary,
    body: content.body,
    url: content.url,
    sourceId: content.sourceId,
  });
  if (content.hints?.docType) classification.docType = content.hints.docType;
  if (content.hints?.agencies?.length) {
    classification.agencies = [...new Set([...content.hints.agencies, ...classification.agencies])];
  }
  return classification;
}

/** One content's classification, or the error that content raised; `seconds` is the time it took. */
export type ClassifyResult = { classification: Classification; seconds: number } | { error: string; seconds: number };

/** `classifyContent` that reports an error as the result instead of throwing it. */
export function classifySafely(content: ClassifiableContent): ClassifyResult {
  const started = process.hrtime.bigint();
  try {
    const classification = classifyContent(content);
    return { classification, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), seconds: 0 };
  }
}

/** The parts of a classification a reader sees as tags; a re-tag that leaves these alone changes nothing. */
export function sameTags(a: Classification, b: Classification): boolean {
  const key = (c: Classification) =>
    JSON.stringify([
      c.subSectors.map((s) => [s.id, s.score]),
      c.focusAreas,
      c.advocacyGoals.map((g) => [g.id, g.score]),
      c.docType,
      c.policyEvents,
      c.policyAction,
      c.agencies,
      c.priority,
      c.priorityReason,
    ]);
  return key(a) === key(b);
}
