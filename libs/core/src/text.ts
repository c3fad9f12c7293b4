/**
 * Tokenisation shared by the in-memory query evaluator and the classifier. It mirrors
 * SQLite FTS5's `unicode61 remove_diacritics 2` tokenizer: a token is a run of letters and
 * digits, folded to lower case without diacritics, so that a subscription matches a document
 * exactly when a search for the same query finds it.
 */

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

/** 1 for ASCII letters and digits, the only ASCII characters a token contains. */
export const ASCII_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_WORD[c] = 1;
}

const TOKEN_CHAR = /^[\p{L}\p{N}\p{Co}]$/u;
const nonAsciiClass = new Map<number, boolean>();

/** Whether a non-ASCII code point belongs to a token (memoised: texts reuse few such characters). */
export function isTokenCodePoint(cp: number): boolean {
  let v = nonAsciiClass.get(cp);
  if (v === undefined) {
    v = TOKEN_CHAR.test(String.fromCodePoint(cp));
    if (nonAsciiClass.size < 65536) nonAsciiClass.set(cp, v);
  }
  return v;
}

/**
 * The tokens of `text`: runs of letters, digits and private-use characters, read one character
 * at a time. The same tokens as `text.matchAll(/[\p{L}\p{N}\p{Co}]+/gu)`, which is about ten
 * times slower as soon as the text holds one character outside Latin-1 (a curly quote, a dash).
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c < 128) {
      if (ASCII_WORD[c] === 0) {
        i++;
        continue;
      }
    } else {
      const cp = text.codePointAt(i)!;
      if (!isTokenCodePoint(cp)) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
    }
    const start = i;
    let ascii = true;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_WORD[c] === 0) break;
        i++;
      } else {
        const cp = text.codePointAt(i)!;
        if (!isTokenCodePoint(cp)) break;
        ascii = false;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    const raw = text.slice(start, i);
    out.push({ value: ascii ? raw.toLowerCase() : foldToken(raw), offset: start, raw });
  }
  return out;
}

/** Folded token values only, for callers that need no offsets. */
export function words(text: string): string[] {
  return tokenize(text).map((t) => t.value);
}
