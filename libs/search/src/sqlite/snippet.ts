/**
 * Search-result snippets, computed in TypeScript with the shared tokenizer (not FTS5
 * `snippet()`), so every adapter can produce the same excerpt for the same hit. Backend-neutral:
 * it only needs the document text and the query AST.
 */
import {
  firstAtLeast,
  tokenize,
  type QueryNode,
  type Token,
  type QueryTextField,
  type RadarDocument,
} from '@radar/core';
import { leafTokens, positiveTextLeaves } from './fts-compiler';

/**
 * A run of words to highlight: one word (term), or consecutive words (phrase, or a term the
 * tokenizer splits). The last word may be a prefix.
 */
export interface HighlightUnit {
  /** Folded tokens, consecutive in the text. */
  words: string[];
  prefixLast: boolean;
  /** Only highlight in this field. */
  field?: QueryTextField;
}

export const SNIPPET_LENGTH = 200;
/** Characters of context kept before the first highlighted word of a passage. */
const LEAD = 40;
/** Passage sources, most preferred first when two passages are equally good. */
const SNIPPET_FIELDS: readonly QueryTextField[] = ['summary', 'body', 'title'];

/**
 * What a query highlights: each positive text leaf. A phrase is highlighted where its words are
 * consecutive; a proximity phrase (`~N`) highlights its words wherever they occur.
 */
export function highlightUnits(query: QueryNode): HighlightUnit[] {
  const out = new Map<string, HighlightUnit>();
  const add = (unit: HighlightUnit): void => {
    out.set(JSON.stringify([unit.words, unit.prefixLast, unit.field ?? '']), unit);
  };
  for (const leaf of positiveTextLeaves(query)) {
    const tokens = leafTokens(leaf);
    if (tokens.length === 0) continue;
    if (leaf.kind === 'phrase' && leaf.slop !== undefined) {
      for (const w of tokens) add({ words: [w], prefixLast: false, field: leaf.field });
    } else {
      add({ words: tokens, prefixLast: leaf.kind === 'term' && leaf.prefix, field: leaf.field });
    }
  }
  return [...out.values()];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

interface Span {
  start: number;
  end: number;
  key: string;
}

interface Passage {
  field: QueryTextField;
  text: string;
  start: number;
  end: number;
  marks: Span[];
  distinct: number;
}

function wordMatches(value: string, word: string, prefix: boolean): boolean {
  return prefix ? value.startsWith(word) : value === word;
}

/** Spans of the tokens that belong to an occurrence of some unit, in text order. */
function matchSpans(tokens: readonly Token[], field: QueryTextField, units: readonly HighlightUnit[]): Span[] {
  const marked = new Map<number, string>();
  const applicable = units.filter((u) => u.field === undefined || u.field === field);
  for (let i = 0; i < tokens.length; i++) {
    for (const u of applicable) {
      const n = u.words.length;
      if (i + n > tokens.length) continue;
      let ok = true;
      for (let j = 0; j < n && ok; j++) {
        ok = wordMatches(tokens[i + j].value, u.words[j], u.prefixLast && j === n - 1);
      }
      if (!ok) continue;
      const key = u.words.join(' ');
      for (let j = 0; j < n; j++) if (!marked.has(i + j)) marked.set(i + j, key);
    }
  }
  return [...marked.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([i, key]) => ({ start: tokens[i].offset, end: tokens[i].offset + tokens[i].raw.length, key }));
}

/** Cut `text` at a token end at or before `limit` (or keep all of it when it fits). */
function cutEnd(text: string, tokenEnds: readonly number[], start: number, limit: number): number {
  if (text.length <= limit) return text.length;
  // The last token end <= limit, if it is past `start`.
  const i = firstAtLeast(tokenEnds, limit + 1) - 1;
  return i >= 0 && tokenEnds[i] > start ? tokenEnds[i] : Math.min(text.length, limit);
}

function bestPassageIn(
  field: QueryTextField,
  text: string,
  units: readonly HighlightUnit[],
  length: number,
): Passage | null {
  const tokens = tokenize(text);
  const spans = matchSpans(tokens, field, units);
  if (spans.length === 0) return null;
  const tokenStarts = tokens.map((t) => t.offset);
  const tokenEnds = tokens.map((t) => t.offset + t.raw.length);
  let best: Passage | null = null;
  // Anchors move forward, and so do their windows: the marks inside are a sliding range of spans.
  let first = 0;
  let last = 0;
  for (const anchor of spans) {
    let start = Math.max(0, Math.min(anchor.start - LEAD, text.length - length));
    if (start > 0) {
      const i = firstAtLeast(tokenStarts, start);
      start = i < tokenStarts.length ? tokenStarts[i] : anchor.start;
    }
    const end = cutEnd(text, tokenEnds, start, start + length);
    while (first < spans.length && spans[first].start < start) first++;
    if (last < first) last = first;
    while (last < spans.length && spans[last].start < end) last++;
    const marks = spans.slice(first, last).filter((s) => s.end <= end);
    const distinct = new Set(marks.map((m) => m.key)).size;
    if (best === null || distinct > best.distinct || (distinct === best.distinct && marks.length > best.marks.length)) {
      best = { field, text, start, end, marks, distinct };
    }
  }
  return best;
}

function render(text: string, start: number, end: number, marks: readonly Span[]): string {
  const plain = (s: string): string => escapeHtml(s.replace(/\s+/g, ' '));
  let out = start > 0 ? '…' : '';
  let at = start;
  for (const m of marks) {
    out += plain(text.slice(at, m.start)) + `<mark>${escapeHtml(text.slice(m.start, m.end))}</mark>`;
    at = m.end;
  }
  out += plain(text.slice(at, end));
  if (end < text.length) out += '…';
  return out.trim();
}

/**
 * The best passage (about `length` characters) of the summary, body or title: the one with the
 * most distinct matched units (words or phrases), then the most marked words, then the preferred field. Matched tokens
 * are wrapped in `<mark>…</mark>`; everything else is HTML-escaped. Without any match, the
 * opening of the first non-empty field.
 */
export function buildSnippet(
  doc: Pick<RadarDocument, 'title' | 'summary' | 'body'>,
  units: readonly HighlightUnit[],
  length = SNIPPET_LENGTH,
): string {
  let best: Passage | null = null;
  if (units.length > 0) {
    for (const field of SNIPPET_FIELDS) {
      const p = bestPassageIn(field, doc[field] ?? '', units, length);
      if (p === null) continue;
      if (
        best === null ||
        p.distinct > best.distinct ||
        (p.distinct === best.distinct && p.marks.length > best.marks.length)
      ) {
        best = p;
      }
    }
  }
  if (best !== null) return render(best.text, best.start, best.end, best.marks);
  for (const field of SNIPPET_FIELDS) {
    const text = doc[field] ?? '';
    if (text.trim() === '') continue;
    const ends = tokenize(text).map((t) => t.offset + t.raw.length);
    return render(text, 0, cutEnd(text, ends, 0, length), []);
  }
  return '';
}
