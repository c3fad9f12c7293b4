/**
 * Tokenisation shared by the in-memory query evaluator and the classifier. It mirrors
 * SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer: a token is a run of letters and
 * digits, folded to lower case without diacritics, so that a subscription matches a document
 * exactly when a search for the same query finds it.
 */

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}+/gu;

/** A printable-ASCII token is its own NFD form and has no combining marks: lower-casing is its fold. */
const ASCII = /^[\u0020-\u007e]*$/;

export function foldToken(token: string): string {
  if (ASCII.test(token)) return token.toLowerCase();
  return token.normalize('NFD').replace(MARKS, '').toLowerCase();
}

export interface Token {
  /** Folded form. */
  value: string;
  /** Offset of the token's first character in the original string. */
  offset: number;
  /** The token as it appears in the original string. */
  raw: string;
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    out.push({ value: foldToken(m[0]), offset: m.index, raw: m[0] });
  }
  return out;
}

/** Folded token values only, for callers that need no offsets. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.value);
}
