/**
 * Token normalisation for matching: the shared tokenizer's semantics (letter/digit runs, folded
 * to lower case without diacritics) plus a deliberately light stemmer that only conflates plural
 * forms. Patterns and text go through the same function, so "batteries"/"battery" and
 * "UAVs"/"UAV" meet in the middle.
 *
 * `tokenStream` reads text like `tokenize` from @radar/core (the same character tables,
 * `ASCII_WORD` and `isTokenCodePoint`) but is tuned for the classifier's hot path: each token's
 * hash is computed while it is read, so tokens no pattern can match are never sliced, folded or
 * stemmed, and tokens are kept in parallel arrays instead of objects. Its output equals
 * `tokenize` (checked in normalize.spec.ts).
 */
import { ASCII_WORD, foldToken, isTokenCodePoint } from '@radar/core';

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

/** Tokens of one text as parallel arrays: folded-and-stemmed key and offsets into `text`. */
export interface TokenStream {
  text: string;
  keys: string[];
  starts: number[];
  ends: number[];
  /** `foldedHash` of each token's folded (unstemmed) form. */
  hashes: number[];
  /** No token contains a non-ASCII character: then every ASCII word start is a token start. */
  asciiTokens: boolean;
}

/** Plural-only stemming of an already folded token. */
export function stem(folded: string): string {
  const n = folded.length;
  if (n <= 3) return folded;
  for (let i = 0; i < n; i++) {
    const c = folded.charCodeAt(i);
    if (c >= 48 && c <= 57) return folded;
  }
  // Only a final "s" changes anything; every rule below needs one.
  if (folded.charCodeAt(n - 1) !== 115) return folded;
  if (n > 4 && folded.endsWith('ies')) return folded.slice(0, -3) + 'y';
  if (folded.endsWith('sses') || folded.endsWith('xes') || folded.endsWith('ches') || folded.endsWith('shes')) {
    return folded.slice(0, -2);
  }
  if (!folded.endsWith('ss') && !folded.endsWith('us') && !folded.endsWith('is')) {
    return folded.slice(0, -1);
  }
  return folded;
}

/** Bits of the key filter (a power of two). */
export const FILTER_BITS = 1 << 17;
const FILTER_MASK = FILTER_BITS - 1;

/** Hash of a folded token, computed character by character as the tokenizer reads it. */
export function foldedHash(folded: string): number {
  let h = 0;
  for (let i = 0; i < folded.length; i++) h = (Math.imul(h, 31) + folded.charCodeAt(i)) | 0;
  return h;
}

export const filterBit = (h: number): number => (h ^ (h >>> 15)) & FILTER_MASK;

/** Folded forms that `stem` maps to `key` ("battery" <- battery, batterys, batteries). */
export function unstemmed(key: string): string[] {
  const forms = [key, `${key}s`, `${key}es`];
  if (key.endsWith('y')) forms.push(`${key.slice(0, -1)}ies`);
  return forms.filter((f) => stem(f) === key);
}

/**
 * With a `filter` (bit set over `foldedHash` of every folded form a pattern token can have),
 * tokens whose hash misses it get the key "" (no pattern token is empty) without being sliced,
 * folded or stemmed; `hashes` still holds every token's hash.
 */
export function tokenStream(text: string, filter?: Uint8Array): TokenStream {
  const keys: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const hashes: number[] = [];
  let asciiTokens = true;
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
    let upper = false;
    let h = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_WORD[c] === 0) break;
        if (c <= 90 && c >= 65) {
          upper = true;
          c += 32;
        }
        h = (Math.imul(h, 31) + c) | 0;
        i++;
      } else {
        const cp = text.codePointAt(i)!;
        if (!isTokenCodePoint(cp)) break;
        ascii = false;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    starts.push(start);
    ends.push(i);
    if (ascii) {
      hashes.push(h);
      if (filter !== undefined && filter[filterBit(h)] === 0) {
        keys.push('');
        continue;
      }
      const raw = text.slice(start, i);
      keys.push(stem(upper ? raw.toLowerCase() : raw));
    } else {
      asciiTokens = false;
      const folded = foldToken(text.slice(start, i));
      hashes.push(foldedHash(folded));
      keys.push(stem(folded));
    }
  }
  return { text, keys, starts, ends, hashes, asciiTokens };
}

/**
 * Pattern vocabulary as integers: every stemmed pattern key has an id (>= 1), and every folded
 * ASCII form that stems to a key (see `unstemmed`) sits in an open-addressing table keyed by
 * `foldedHash`, so `tokenIds` finds an ASCII token's key id without slicing, folding or stemming.
 * The table is one typed array (a slot's fields share a cache line) and the forms it confirms
 * hash hits against are packed into one string.
 */
export interface Lexicon {
  mask: number;
  /**
   * `LEX_STRIDE` integers per slot: foldedHash of the form, key id (0 = empty slot), offset of
   * the form in `packed`, length of the form.
   */
  table: Int32Array;
  /** Every folded form of the table, concatenated. */
  packed: string;
  /** Stemmed key -> id, for tokens with non-ASCII characters. */
  keyIds: ReadonlyMap<string, number>;
}

const LEX_STRIDE = 4;
const ASCII_FORM = /^[a-z0-9]+$/;

export function buildLexicon(keyIds: ReadonlyMap<string, number>): Lexicon {
  const entries: { form: string; hash: number; id: number }[] = [];
  for (const [key, id] of keyIds) {
    for (const form of unstemmed(key)) {
      if (ASCII_FORM.test(form)) entries.push({ form, hash: foldedHash(form), id });
    }
  }
  let size = 16;
  while (size < entries.length * 3) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size * LEX_STRIDE);
  let packed = '';
  for (const e of entries) {
    let slot = filterBit(e.hash) & mask;
    while (table[slot * LEX_STRIDE + 1] !== 0) slot = (slot + 1) & mask;
    const at = slot * LEX_STRIDE;
    table[at] = e.hash;
    table[at + 1] = e.id;
    table[at + 2] = packed.length;
    table[at + 3] = e.form.length;
    packed += e.form;
  }
  // A flat one-byte string (not a rope of concatenations) for character reads.
  packed = Buffer.from(packed, 'latin1').toString('latin1');
  return { mask, table, packed, keyIds };
}

/** A text's tokens as pattern key ids (0 = no pattern uses this token) with offsets. */
export interface IdStream {
  text: string;
  ids: number[];
  starts: number[];
  ends: number[];
  /** No token contains a non-ASCII character: then every ASCII word start is a token start. */
  asciiTokens: boolean;
  /** `isShouting(text)`, counted while tokenising. */
  shouting: boolean;
}

/** Key id of the ASCII token text[start, end) whose lower-cased form hashes to `h`. */
function asciiId(lex: Lexicon, text: string, start: number, end: number, h: number): number {
  const { mask, table, packed } = lex;
  const len = end - start;
  for (let slot = filterBit(h) & mask; ; slot = (slot + 1) & mask) {
    const at = slot * LEX_STRIDE;
    const id = table[at + 1]!;
    if (id === 0) return 0;
    if (table[at] !== h || table[at + 3] !== len) continue;
    const off = table[at + 2]!;
    let k = 0;
    for (; k < len; k++) {
      let c = text.charCodeAt(start + k);
      if (c <= 90 && c >= 65) c += 32;
      if (c !== packed.charCodeAt(off + k)) break;
    }
    if (k === len) return id;
  }
}

/** Characters `isShouting` samples. */
const SHOUT_SAMPLE = 2000;
/** Share of capitals among letters above which a text counts as shouting. */
export const SHOUT_UPPER_SHARE = 0.75;

/**
 * `tokenStream` for the matcher: the same tokens, each reduced to its key id in `lex` (0 when
 * no pattern has that key), so matching compares integers and builds no strings for ASCII text.
 * It also counts the capitals `isShouting` needs, saving that function a pass over the text.
 */
export function tokenIds(text: string, lex: Lexicon): IdStream {
  const ids: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let asciiTokens = true;
  const n = text.length;
  const limit = n > SHOUT_SAMPLE ? SHOUT_SAMPLE : n;
  /** First non-ASCII character (n when none): `isShouting` falls back to Unicode classes then. */
  let firstNonAscii = n;
  /** ASCII letters and capitals of the tokens that end before `limit`. */
  let letters = 0;
  let upper = 0;
  let sampled = limit === 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c < 128) {
      if (ASCII_WORD[c] === 0) {
        i++;
        continue;
      }
    } else {
      if (i < firstNonAscii) firstNonAscii = i;
      const cp = text.codePointAt(i)!;
      if (!isTokenCodePoint(cp)) {
        i += cp > 0xffff ? 2 : 1;
        continue;
      }
    }
    const start = i;
    let ascii = true;
    let h = 0;
    let tokLetters = 0;
    let tokUpper = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c < 128) {
        if (ASCII_WORD[c] === 0) break;
        if (c >= 97) tokLetters++;
        else if (c >= 65) {
          tokLetters++;
          tokUpper++;
          c += 32;
        }
        h = (Math.imul(h, 31) + c) | 0;
        i++;
      } else {
        const cp = text.codePointAt(i)!;
        if (i < firstNonAscii) firstNonAscii = i;
        if (!isTokenCodePoint(cp)) break;
        ascii = false;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    if (!sampled) {
      if (i <= limit) {
        letters += tokLetters;
        upper += tokUpper;
      } else {
        // The token straddles the end of the sample: count its part before `limit`.
        for (let k = start; k < limit; k++) {
          const d = text.charCodeAt(k);
          if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90)) letters++;
          if (d >= 65 && d <= 90) upper++;
        }
        sampled = true;
      }
    }
    starts.push(start);
    ends.push(i);
    if (ascii) ids.push(asciiId(lex, text, start, i, h));
    else {
      asciiTokens = false;
      ids.push(lex.keyIds.get(stem(foldToken(text.slice(start, i)))) ?? 0);
    }
  }
  const shouting =
    firstNonAscii < limit ? isShoutingUnicode(text) : letters >= 12 && upper / letters > SHOUT_UPPER_SHARE;
  return { text, ids, starts, ends, asciiTokens, shouting };
}

/** `isShouting` for a sample with non-ASCII characters: Unicode letter classes. */
export function isShoutingUnicode(text: string): boolean {
  const sample = text.length > SHOUT_SAMPLE ? text.slice(0, SHOUT_SAMPLE) : text;
  const letters = sample.replace(/[^\p{L}]+/gu, '').length;
  if (letters < 12) return false;
  const upper = sample.replace(/[^\p{Lu}]+/gu, '').length;
  return upper / letters > SHOUT_UPPER_SHARE;
}

export function matchTokens(text: string): MatchToken[] {
  const s = tokenStream(text);
  return s.keys.map((key, i) => ({
    key,
    raw: text.slice(s.starts[i], s.ends[i]),
    start: s.starts[i]!,
    end: s.ends[i]!,
  }));
}
