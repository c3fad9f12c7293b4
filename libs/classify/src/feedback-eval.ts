import type { Feedback } from '@radar/core';

export interface FeedbackCase {
  feedback: Feedback;
  /** Sub-sector ids the current classifier gives the document. */
  predicted: string[];
}

export interface FeedbackEvalResult {
  /** Feedback entries scored (those whose document still exists). */
  n: number;
  /** Entries the current classifier now agrees with. */
  agreed: number;
  agreement: number;
  wrongTag: { n: number; agreed: number };
  missingTag: { n: number; agreed: number };
  perLabel: Record<string, { n: number; agreed: number }>;
  /** Entries the classifier still disagrees with, for a closer look. */
  outstanding: { documentId: string; kind: Feedback['kind']; label: string }[];
}

/**
 * Scores the current classifier on recorded feedback: a `wrong_tag` entry is met when the label
 * is no longer predicted, a `missing_tag` entry when it now is. The latest entry per document and
 * label wins (a reader may change their mind).
 */
export function evaluateFeedback(cases: FeedbackCase[]): FeedbackEvalResult {
  const latest = new Map<string, FeedbackCase>();
  for (const c of [...cases].sort((a, b) => a.feedback.createdAt.localeCompare(b.feedback.createdAt))) {
    latest.set(`${c.feedback.documentId}\u0000${c.feedback.label}`, c);
  }
  const result: FeedbackEvalResult = {
    n: 0,
    agreed: 0,
    agreement: 0,
    wrongTag: { n: 0, agreed: 0 },
    missingTag: { n: 0, agreed: 0 },
    perLabel: {},
    outstanding: [],
  };
  for (const { feedback, predicted } of latest.values()) {
    const has = predicted.includes(feedback.label);
    const agreed = feedback.kind === 'wrong_tag' ? !has : has;
    const bucket = feedback.kind === 'wrong_tag' ? result.wrongTag : result.missingTag;
    const label = (result.perLabel[feedback.label] ??= { n: 0, agreed: 0 });
    result.n++;
    bucket.n++;
    label.n++;
    if (agreed) {
      result.agreed++;
      bucket.agreed++;
      label.agreed++;
    } else {
      result.outstanding.push({ documentId: feedback.documentId, kind: feedback.kind, label: feedback.label });
    }
  }
  result.agreement = result.n ? result.agreed / result.n : 0;
  return result;
}

export function formatFeedbackTable(result: FeedbackEvalResult): string {
  const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)}%` : '-');
  const rows = [
    `feedback entries scored: ${result.n}; the classifier now agrees with ${result.agreed} (${pct(result.agreed, result.n)})`,
    `  wrong tag:   ${result.wrongTag.agreed}/${result.wrongTag.n} no longer given`,
    `  missing tag: ${result.missingTag.agreed}/${result.missingTag.n} now given`,
    '',
    `${'label'.padEnd(40)} ${'n'.padStart(5)} ${'agreed'.padStart(7)}`,
    ...Object.entries(result.perLabel)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, s]) => `${label.padEnd(40)} ${String(s.n).padStart(5)} ${pct(s.agreed, s.n).padStart(7)}`),
  ];
  return rows.join('\n');
}
