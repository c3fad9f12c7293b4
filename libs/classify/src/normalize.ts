/**
 * Token normalisation for matching: the shared tokenizer (letters/digits runs, folded) plus a
 * deliberately light stemmer that only conflates plural forms. Patterns and text go through
 * the same function, so "batteries"/"battery" and "UAVs"/"UAV" meet in the middle.
 */
import { tokenize } from '@radar/core';

export interface MatchToken {
  /** Folded and stemmed form used for matching. */
  key: string;
  /** Token as written in the original text. */
  raw: string;
  /** Offset of the first character in the original text. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

const DIGIT = /\d/;

/** Plural-only stemming of an already folded token. */
export function stem(folded: string): string {
  const n = folded.length;
  if (n <= 3 || DIGIT.test(folded)) return folded;
  if (n > 4 && folded.endsWith('ies')) return folded.slice(0, -3) + 'y';
  if (folded.endsWith('sses') || folded.endsWith('xes') || folded.endsWith('ches') || folded.endsWith('shes')) {
    return folded.slice(0, -2);
  }
  if (folded.endsWith('s') && !folded.endsWith('ss') && !folded.endsWith('us') && !folded.endsWith('is')) {
    return folded.slice(0, -1);
  }
  return folded;
}

export function matchTokens(text: string): MatchToken[] {
  return tokenize(text).map((t) => ({
    key: stem(t.value),
    raw: t.raw,
    start: t.offset,
    end: t.offset + t.raw.length,
  }));
}
