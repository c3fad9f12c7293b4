/**
 * Multi-pattern phrase matcher over normalised tokens: a token trie walked from every token
 * position (patterns are a few tokens long, so this is linear in practice and needs no
 * failure links). Case-sensitive patterns check the original spelling of every pattern token
 * that contains a capital letter, so "NRC" matches "NRC" but not "nrc".
 */
import {
  buildLexicon,
  FILTER_BITS,
  filterBit,
  foldedHash,
  IdStream,
  isShoutingUnicode,
  Lexicon,
  MatchToken,
  matchTokens,
  SHOUT_UPPER_SHARE,
  TokenStream,
  tokenStream,
  unstemmed,
} from './normalize';

export interface PatternSpec<P> {
  text: string;
  caseSensitive?: boolean;
  payload: P;
}

interface Variant<P> {
  /** For case-sensitive patterns: the required raw spelling per token (null = any case). */
  raw: (string | null)[] | null;
  payloads: P[];
}

interface TrieNode<P> {
  next: Map<string, TrieNode<P>>;
  variants: Variant<P>[];
}

export interface PhraseMatch<P> {
  /** Index of the first and one-past-last token. */
  from: number;
  to: number;
  /** Offsets into the original text. */
  start: number;
  end: number;
  payloads: readonly P[];
}

const UPPER = /\p{Lu}/u;

function newNode<P>(): TrieNode<P> {
  return { next: new Map(), variants: [] };
}

function rawMatches(required: string, actual: string): boolean {
  return actual === required || actual === `${required}s`;
}

export class PhraseMatcher<P> {
  private readonly root: TrieNode<P> = newNode();
  private size = 0;

  /** Bit set over the folded forms of every pattern token (see `tokenStream`). */
  readonly tokenFilter = new Uint8Array(FILTER_BITS);
  /** The same for first tokens only: other tokens cannot start a match. */
  private readonly rootFilter = new Uint8Array(FILTER_BITS);

  /** Pattern keys as integer ids, for `tokenIds` and `scanIds`. */
  readonly lexicon: Lexicon;
  /** The trie over key ids: node 0 is the root; root children by id (0 = none). */
  private readonly rootNext: Int32Array;
  /**
   * Deeper edges (node > 0): an open-addressing table, two integers per slot: the edge key
   * `node * idStride + id` (0 = empty slot) and the child node.
   */
  private readonly edges: Int32Array;
  private readonly edgeMask: number;
  private readonly idStride: number;
  /** Node -> its variants (empty for most inner nodes). */
  private readonly nodeVariants: Variant<P>[][] = [];

  constructor(specs: Iterable<PatternSpec<P>>) {
    for (const s of specs) this.add(s);
    const keyIds = new Map<string, number>();
    const collect = (node: TrieNode<P>): void => {
      for (const [key, child] of node.next) {
        if (!keyIds.has(key)) keyIds.set(key, keyIds.size + 1);
        collect(child);
      }
    };
    collect(this.root);
    this.lexicon = buildLexicon(keyIds);
    this.idStride = keyIds.size + 1;
    this.rootNext = new Int32Array(this.idStride);
    this.nodeVariants.push(this.root.variants);
    const deeper: [number, number][] = [];
    const number = (node: TrieNode<P>, index: number): void => {
      for (const [key, child] of node.next) {
        const childIndex = this.nodeVariants.length;
        this.nodeVariants.push(child.variants);
        const id = keyIds.get(key)!;
        if (index === 0) this.rootNext[id] = childIndex;
        else deeper.push([index * this.idStride + id, childIndex]);
        number(child, childIndex);
      }
    };
    number(this.root, 0);
    if (this.nodeVariants.length * this.idStride >= 2 ** 31) throw new Error('matcher: trie too large');
    let size = 16;
    while (size < deeper.length * 4) size *= 2;
    this.edgeMask = size - 1;
    this.edges = new Int32Array(size * 2);
    for (const [edge, child] of deeper) {
      let slot = edgeSlot(edge) & this.edgeMask;
      while (this.edges[slot * 2] !== 0) slot = (slot + 1) & this.edgeMask;
      this.edges[slot * 2] = edge;
      this.edges[slot * 2 + 1] = child;
    }
    const mark = (node: TrieNode<P>, depth: number): void => {
      for (const [key, child] of node.next) {
        for (const form of unstemmed(key)) {
          const bit = filterBit(foldedHash(form));
          this.tokenFilter[bit] = 1;
          if (depth === 0) this.rootFilter[bit] = 1;
        }
        mark(child, depth + 1);
      }
    };
    mark(this.root, 0);
  }

  get patternCount(): number {
    return this.size;
  }

  private add(spec: PatternSpec<P>): void {
    const toks = matchTokens(spec.text);
    if (toks.length === 0) return;
    let node = this.root;
    for (const t of toks) {
      let n = node.next.get(t.key);
      if (n === undefined) {
        n = newNode();
        node.next.set(t.key, n);
      }
      node = n;
    }
    const raw = spec.caseSensitive === true ? toks.map((t) => (UPPER.test(t.raw) ? t.raw : null)) : null;
    const key = raw === null ? '' : raw.join('\u0000');
    let v = node.variants.find(
      (x) => (x.raw === null ? '' : x.raw.join('\u0000')) === key && (x.raw === null) === (raw === null),
    );
    if (v === undefined) {
      v = { raw, payloads: [] };
      node.variants.push(v);
      this.size++;
    }
    v.payloads.push(spec.payload);
  }

  /**
   * Every occurrence of every pattern in already tokenised text. With `ignoreCase` (text in
   * capitals throughout, where "CNT" may be a ticker and "NRC" a word), case-sensitive
   * patterns are skipped because capitals no longer tell acronyms apart.
   */
  scanTokens(tokens: readonly MatchToken[], opts: { ignoreCase?: boolean } = {}): PhraseMatch<P>[] {
    const skipCs = opts.ignoreCase === true;
    const out: PhraseMatch<P>[] = [];
    for (let i = 0; i < tokens.length; i++) {
      let node: TrieNode<P> | undefined = this.root;
      for (let j = i; j < tokens.length; j++) {
        node = node.next.get(tokens[j]!.key);
        if (node === undefined) break;
        for (const v of node.variants) {
          if (v.raw !== null) {
            if (skipCs) continue;
            let ok = true;
            for (let k = 0; k < v.raw.length; k++) {
              const req = v.raw[k];
              if (req !== null && req !== undefined && !rawMatches(req, tokens[i + k]!.raw)) {
                ok = false;
                break;
              }
            }
            if (!ok) continue;
          }
          out.push({ from: i, to: j + 1, start: tokens[i]!.start, end: tokens[j]!.end, payloads: v.payloads });
        }
      }
    }
    return out;
  }

  /** `scanTokens` over a token stream: same matches, no per-token objects. */
  scanStream(stream: TokenStream, opts: { ignoreCase?: boolean } = {}): PhraseMatch<P>[] {
    const skipCs = opts.ignoreCase === true;
    const { text, keys, starts, ends, hashes } = stream;
    const n = keys.length;
    const root = this.root.next;
    const rootFilter = this.rootFilter;
    const out: PhraseMatch<P>[] = [];
    for (let i = 0; i < n; i++) {
      if (rootFilter[filterBit(hashes[i]!)] === 0) continue;
      let node = root.get(keys[i]!);
      let j = i;
      while (node !== undefined) {
        const vs = node.variants;
        for (let x = 0; x < vs.length; x++) {
          const v = vs[x]!;
          if (v.raw !== null) {
            if (skipCs || !rawMatchesAt(v.raw, text, starts, ends, i)) continue;
          }
          out.push({ from: i, to: j + 1, start: starts[i]!, end: ends[j]!, payloads: v.payloads });
        }
        if (++j >= n) break;
        node = node.next.get(keys[j]!);
      }
    }
    return out;
  }

  /** `scanStream` over key ids (see `tokenIds`): same matches, integer trie walk. */
  scanIds(stream: IdStream, opts: { ignoreCase?: boolean } = {}): PhraseMatch<P>[] {
    const skipCs = opts.ignoreCase === true;
    const { text, ids, starts, ends } = stream;
    const n = ids.length;
    const rootNext = this.rootNext;
    const edges = this.edges;
    const edgeMask = this.edgeMask;
    const stride = this.idStride;
    const nodeVariants = this.nodeVariants;
    const out: PhraseMatch<P>[] = [];
    for (let i = 0; i < n; i++) {
      let node = rootNext[ids[i]!]!;
      let j = i;
      while (node !== 0) {
        const vs = nodeVariants[node]!;
        for (let x = 0; x < vs.length; x++) {
          const v = vs[x]!;
          if (v.raw !== null) {
            if (skipCs || !rawMatchesAt(v.raw, text, starts, ends, i)) continue;
          }
          out.push({ from: i, to: j + 1, start: starts[i]!, end: ends[j]!, payloads: v.payloads });
        }
        if (++j >= n) break;
        const id = ids[j]!;
        if (id === 0) break;
        const edge = node * stride + id;
        node = 0;
        for (let slot = edgeSlot(edge) & edgeMask; ; slot = (slot + 1) & edgeMask) {
          const e = edges[slot * 2]!;
          if (e === edge) {
            node = edges[slot * 2 + 1]!;
            break;
          }
          if (e === 0) break;
        }
      }
    }
    return out;
  }

  scan(text: string): PhraseMatch<P>[] {
    return this.scanStream(tokenStream(text, this.tokenFilter), { ignoreCase: isShouting(text) });
  }
}

/** Hash of a trie edge key, for the `edges` table. */
function edgeSlot(edge: number): number {
  const h = Math.imul(edge, 0x9e3779b1);
  return h ^ (h >>> 16);
}

/** Each required spelling equals the token at that position, or it plus a plural "s". */
function rawMatchesAt(
  required: readonly (string | null)[],
  text: string,
  starts: readonly number[],
  ends: readonly number[],
  first: number,
): boolean {
  for (let k = 0; k < required.length; k++) {
    const req = required[k];
    if (req === null || req === undefined) continue;
    const s = starts[first + k]!;
    const len = ends[first + k]! - s;
    if (len === req.length) {
      if (!text.startsWith(req, s)) return false;
    } else if (len === req.length + 1) {
      if (text.charCodeAt(s + req.length) !== 115 || !text.startsWith(req, s)) return false;
    } else return false;
  }
  return true;
}

/** True when a text is written in capitals throughout (a wire headline, a shouted title). */
export function isShouting(text: string): boolean {
  const limit = text.length > 2000 ? 2000 : text.length;
  // ASCII fast path: count letters and capitals with char codes.
  let letters = 0;
  let upper = 0;
  let ascii = true;
  for (let i = 0; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      ascii = false;
      break;
    }
    if (c >= 65 && c <= 90) {
      letters++;
      upper++;
    } else if (c >= 97 && c <= 122) letters++;
  }
  if (ascii) return letters >= 12 && upper / letters > SHOUT_UPPER_SHARE;
  return isShoutingUnicode(text);
}
