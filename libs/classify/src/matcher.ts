/**
 * Multi-pattern phrase matcher over normalised tokens: a token trie walked from every token
 * position (patterns are a few tokens long, so this is linear in practice and needs no
 * failure links). Case-sensitive patterns check the original spelling of every pattern token
 * that contains a capital letter, so "NRC" matches "NRC" but not "nrc".
 */
import { MatchToken, matchTokens } from './normalize';

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

  constructor(specs: Iterable<PatternSpec<P>>) {
    for (const s of specs) this.add(s);
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

  scan(text: string): PhraseMatch<P>[] {
    return this.scanTokens(matchTokens(text), { ignoreCase: isShouting(text) });
  }
}

/** True when a text is written in capitals throughout (a wire headline, a shouted title). */
export function isShouting(text: string): boolean {
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  const letters = sample.replace(/[^\p{L}]+/gu, '').length;
  if (letters < 12) return false;
  const upper = sample.replace(/[^\p{Lu}]+/gu, '').length;
  return upper / letters > 0.75;
}
