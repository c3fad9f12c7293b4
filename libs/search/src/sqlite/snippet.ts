/**
 * Search-result snippets, computed in TypeScript with the shared tokenizer (not FTS5
 * `snippet()`), so every adapter can produce the same excerpt for the same hit. Backend-neutral:
 * it only needs the document text and the query AST.
 */
import { tokenize, type QueryNode, type QueryTextField, type RadarDocument } from '@radar/core';
import { leafTokens, positiveTextLeaves } from './fts-compiler';

export interface HighlightTerm {
  /** Folded token. */
  value: string;
  prefix: boolean;
  /** Only highlight in this field. */
  field?: QueryTextField;
}

export const SNIPPET_LENGTH = 200;
/** Characters of context kept before the first highlighted word of a passage. */
const LEAD = 40;
/** Passage sources, most preferred first when two passages are equally good. */
const SNIPPET_FIELDS: readonly QueryTextField[] = ['summary', 'body', 'title'];

/** The words a query would highlight: every token of every positive text leaf. */
export function highlightTerms(query: QueryNode): HighlightTerm[] {
  const out = new Map<string, HighlightTerm>();
  for (const leaf of positiveTextLeaves(query)) {
    const tokens = leafTokens(leaf);
    tokens.forEach((value, i) => {
      const prefix = leaf.kind === 'term' && leaf.prefix && i === tokens.length - 1;
      const term: HighlightTerm = { value, prefix, field: leaf.field };
      out.set(`${value}\u0000${prefix}\u0000${leaf.field ?? ''}`, term);
    });
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

function matches(value: string, field: QueryTextField, terms: readonly HighlightTerm[]): boolean {
  return terms.some(
    (t) =>
      (t.field === undefined || t.field === field) && (t.prefix ? value.startsWith(t.value) : value === t.value),
  );
}

/** Cut `text` at a token end at or before `limit` (or keep all of it when it fits). */
function cutEnd(text: string, tokenEnds: number[], start: number, limit: number): number {
  if (text.length <= limit) return text.length;
  let end = start;
  for (const e of tokenEnds) {
    if (e > limit) break;
    if (e > start) end = e;
  }
  return end > start ? end : Math.min(text.length, limit);
}

function bestPassageIn(field: QueryTextField, text: string, terms: readonly HighlightTerm[], length: number): Passage | null {
  const tokens = tokenize(text);
  const spans: Span[] = [];
  for (const t of tokens) {
    if (matches(t.value, field, terms)) spans.push({ start: t.offset, end: t.offset + t.raw.length, key: t.value });
  }
  if (spans.length === 0) return null;
  const tokenStarts = tokens.map((t) => t.offset);
  const tokenEnds = tokens.map((t) => t.offset + t.raw.length);
  let best: Passage | null = null;
  for (const anchor of spans) {
    let start = Math.max(0, Math.min(anchor.start - LEAD, text.length - length));
    if (start > 0) start = tokenStarts.find((s) => s >= start) ?? anchor.start;
    const end = cutEnd(text, tokenEnds, start, start + length);
    const marks = spans.filter((s) => s.start >= start && s.end <= end);
    const distinct = new Set(marks.map((m) => m.key)).size;
    if (
      best === null ||
      distinct > best.distinct ||
      (distinct === best.distinct && marks.length > best.marks.length)
    ) {
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
 * most distinct matched words, then the most matches, then the preferred field. Matched tokens
 * are wrapped in `<mark>…</mark>`; everything else is HTML-escaped. Without any match, the
 * opening of the first non-empty field.
 */
export function buildSnippet(
  doc: Pick<RadarDocument, 'title' | 'summary' | 'body'>,
  terms: readonly HighlightTerm[],
  length = SNIPPET_LENGTH,
): string {
  let best: Passage | null = null;
  if (terms.length > 0) {
    for (const field of SNIPPET_FIELDS) {
      const p = bestPassageIn(field, doc[field] ?? '', terms, length);
      if (p === null) continue;
      if (best === null || p.distinct > best.distinct || (p.distinct === best.distinct && p.marks.length > best.marks.length)) {
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
