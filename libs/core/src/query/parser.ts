/**
 * The query language: text -> `QueryNode` (`parseQuery`), `QueryNode` -> canonical text
 * (`formatQuery`), and the normal form both of them agree on (`normalizeQuery`).
 *
 * Grammar (precedence from loosest to tightest: OR, AND, NOT):
 *
 *   query   := or?
 *   or      := and ( "OR" and )*
 *   and     := unary ( "AND"? unary )*          adjacent clauses are ANDed
 *   unary   := ( "NOT" | "-" )* primary          `-` must touch what it negates
 *   primary := "(" or ")" | clause
 *   clause  := word | word* | "phrase" | "phrase"~N | "word"* | field:value
 *
 * `AND`, `OR`, `NOT` are operators only in upper case and only as whole words. Free text is
 * tokenised with `tokenize` (the FTS5 `unicode61 remove_diacritics 2` mirror), so a bare word
 * such as `U.S.` or `section-232` becomes the phrase of its tokens and a bare word with no
 * letter or digit (`&`, `-`, `*`) is dropped as if it were not there.
 *
 * The parser is a single left-to-right pass over at most MAX_QUERY_LENGTH characters with a
 * lookahead of one token; recursion happens only on parentheses (at most MAX_QUERY_DEPTH deep),
 * so it runs in linear time and cannot exhaust the stack.
 */
import { DOC_TYPES, PRIORITIES } from '../document';
import { tokenize } from '../text';
import {
  KEYWORD_FIELDS,
  QuerySyntaxError,
  TEXT_FIELDS,
  type KeywordField,
  type QueryNode,
  type QueryTextField,
} from './ast';

/** Longest accepted query, in UTF-16 code units (positions are UTF-16 offsets too). */
export const MAX_QUERY_LENGTH = 2000;
/** Deepest accepted nesting of parentheses. */
export const MAX_QUERY_DEPTH = 32;
/** Most clauses (words, phrases, field filters) in one query. */
export const MAX_QUERY_CLAUSES = 200;
/** Largest N accepted in `"a b"~N`. */
export const MAX_PHRASE_SLOP = 10000;

export interface ParseQueryOptions {
  /** The instant `now` refers to in `published:>now-7d`; default: the current time. */
  now?: Date;
}

type RangeNode = Extract<QueryNode, { kind: 'range' }>;
type TermNode = Extract<QueryNode, { kind: 'term' }>;
type PhraseNode = Extract<QueryNode, { kind: 'phrase' }>;

const PUBLISHED = 'published';
const ALL_FIELD_NAMES: readonly string[] = [...KEYWORD_FIELDS, ...TEXT_FIELDS, PUBLISHED];
const KEYWORD_VALUES: Partial<Record<KeywordField, readonly string[]>> = {
  type: DOC_TYPES,
  priority: PRIORITIES,
};

const WHITESPACE = /\s/;
/** A field prefix: a name starting with a letter, then a colon. */
const FIELD_PREFIX = /(\p{L}[\p{L}\p{N}_-]*):/uy;
const DIGITS = /[0-9]+/y;

function isSpace(ch: string): boolean {
  return WHITESPACE.test(ch);
}

/** Characters that end a bare word: whitespace, parentheses and the double quote. */
function endsBareWord(ch: string): boolean {
  return ch === '(' || ch === ')' || ch === '"' || isSpace(ch);
}

function isKeywordField(name: string): name is KeywordField {
  return (KEYWORD_FIELDS as readonly string[]).includes(name);
}

function isTextField(name: string): name is QueryTextField {
  return (TEXT_FIELDS as readonly string[]).includes(name);
}

function fail(message: string, position: number): never {
  throw new QuerySyntaxError(message, position);
}

function termNode(value: string, prefix: boolean, field: QueryTextField | undefined): TermNode {
  return field === undefined ? { kind: 'term', value, prefix } : { kind: 'term', value, prefix, field };
}

function phraseNode(words: string[], slop: number | undefined, field: QueryTextField | undefined): PhraseNode {
  const node: PhraseNode = { kind: 'phrase', words };
  if (slop !== undefined) node.slop = slop;
  if (field !== undefined) node.field = field;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Dates

/** Earliest and latest instants whose `toISOString()` is the plain `YYYY-MM-DDTHH:mm:ss.sssZ`. */
const MIN_INSTANT = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { d: DAY_MS, h: 3_600_000, m: 60_000 };

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const RELATIVE_RE = /^now(?:([+-])(\d{1,7})([dhm]))?$/;

/** A date in a query: a whole UTC day, or one instant. */
interface DateValue {
  ms: number;
  /** True for `YYYY-MM-DD`: the value stands for the day [ms, ms + 1 day). */
  day: boolean;
}

function dateHelp(text: string): string {
  return (
    `invalid date "${text}": use YYYY-MM-DD, an ISO 8601 time with offset such as ` +
    `2026-01-01T09:30:00Z, or now, now-7d, now-24h, now-30m`
  );
}

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function checkRange(ms: number, text: string, position: number): number {
  if (!Number.isFinite(ms) || ms < MIN_INSTANT || ms > MAX_INSTANT) {
    fail(`date "${text}" is out of range (years 0000 to 9999)`, position);
  }
  return ms;
}

function parseDate(text: string, position: number, now: number): DateValue {
  const rel = RELATIVE_RE.exec(text);
  if (rel) {
    let ms = now;
    if (rel[1] !== undefined) {
      const amount = Number(rel[2]) * (UNIT_MS[rel[3]] ?? 0);
      ms = rel[1] === '-' ? now - amount : now + amount;
    }
    return { ms: checkRange(ms, text, position), day: false };
  }
  const day = DAY_RE.exec(text);
  if (day) {
    const ms = utcMs(Number(day[1]), Number(day[2]), Number(day[3]), 0, 0, 0, 0);
    if (ms === null) fail(dateHelp(text), position);
    return { ms: checkRange(ms, text, position), day: true };
  }
  const m = INSTANT_RE.exec(text);
  if (m) {
    const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
    let ms = utcMs(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      m[6] === undefined ? 0 : Number(m[6]),
      fraction,
    );
    if (ms === null) fail(dateHelp(text), position);
    if (m[8] === undefined) {
      const oh = Number(m[10]);
      const om = m[11] === undefined ? 0 : Number(m[11]);
      if (oh > 23 || om > 59) fail(dateHelp(text), position);
      const offset = (oh * 60 + om) * 60_000;
      ms = m[9] === '+' ? ms - offset : ms + offset;
    }
    return { ms: checkRange(ms, text, position), day: false };
  }
  return fail(dateHelp(text), position);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { type: '(' | ')' | 'AND' | 'OR' | 'NOT' | '-'; pos: number }
  /** A leaf; `node` is null for a bare word with nothing to search for (`&`). */
  | { type: 'clause'; pos: number; node: QueryNode | null };

class Lexer {
  private i = 0;
  private clauses = 0;
  /** The previous token was a `-` touching this one: `-AND` negates the word "and". */
  private afterMinus = false;

  constructor(
    private readonly s: string,
    private readonly now: number,
  ) {}

  next(): Token | null {
    const s = this.s;
    while (this.i < s.length && isSpace(s[this.i])) this.i++;
    if (this.i >= s.length) return null;
    const afterMinus = this.afterMinus;
    this.afterMinus = false;
    const pos = this.i;
    const ch = s[pos];
    if (ch === '(' || ch === ')') {
      this.i++;
      return { type: ch, pos };
    }
    if (ch === '-' && pos + 1 < s.length && s[pos + 1] !== ')' && !isSpace(s[pos + 1])) {
      this.i++;
      this.afterMinus = true;
      return { type: '-', pos };
    }
    if (ch === '"') return this.clause(pos, this.quoted(undefined));
    FIELD_PREFIX.lastIndex = pos;
    const field = FIELD_PREFIX.exec(s);
    if (field) {
      this.i = pos + field[0].length;
      return this.clause(pos, this.fieldValue(field[1], pos));
    }
    const raw = this.bare();
    if (!afterMinus && (raw === 'AND' || raw === 'OR' || raw === 'NOT')) return { type: raw, pos };
    return this.clause(pos, this.word(raw, pos, undefined));
  }

  private clause(pos: number, node: QueryNode | null): Token {
    if (node !== null && ++this.clauses > MAX_QUERY_CLAUSES) {
      fail(`too many clauses: at most ${MAX_QUERY_CLAUSES} words, phrases and filters`, pos);
    }
    return { type: 'clause', pos, node };
  }

  /** Reads a run of characters up to whitespace, a parenthesis or a quote. */
  private bare(): string {
    const s = this.s;
    const start = this.i;
    while (this.i < s.length && !endsBareWord(s[this.i])) this.i++;
    return s.slice(start, this.i);
  }

  /** Reads `"..."` at the current position; returns the text between the quotes. */
  private quotedText(): string {
    const start = this.i;
    const end = this.s.indexOf('"', start + 1);
    if (end < 0) fail('unterminated quote: add the closing "', start);
    this.i = end + 1;
    return this.s.slice(start + 1, end);
  }

  /** A bare word (possibly `word*`), optionally restricted to a text field. */
  private word(raw: string, pos: number, field: QueryTextField | undefined): QueryNode | null {
    let end = raw.length;
    while (end > 0 && raw[end - 1] === '*') end--;
    const stem = raw.slice(0, end);
    const prefix = end < raw.length;
    const words = tokenize(stem).map((t) => t.value);
    if (words.length === 0) return null;
    if (prefix && words.length > 1) {
      fail(`prefix search "${raw}" must be a single word, but it has ${words.length}: ${words.join(', ')}`, pos);
    }
    return words.length === 1 ? termNode(words[0], prefix, field) : phraseNode(words, undefined, field);
  }

  /** `"a phrase"`, `"a phrase"~N`, `"word"*`, optionally restricted to a text field. */
  private quoted(field: QueryTextField | undefined): QueryNode {
    const s = this.s;
    const start = this.i;
    const words = tokenize(this.quotedText()).map((t) => t.value);
    if (words.length === 0) fail('the quoted phrase has no letters or digits to search for', start);
    let slop: number | undefined;
    let prefix = false;
    if (s[this.i] === '~') {
      DIGITS.lastIndex = this.i + 1;
      const digits = DIGITS.exec(s);
      if (!digits) fail('"~" after a phrase must be followed by a number, as in "a b"~5', this.i);
      slop = digits[0].length > 6 ? Infinity : Number(digits[0]);
      if (slop > MAX_PHRASE_SLOP) fail(`"~${digits[0]}" is too large: at most ~${MAX_PHRASE_SLOP}`, this.i);
      this.i += 1 + digits[0].length;
    } else if (s[this.i] === '*') {
      if (words.length > 1) fail('prefix search "*" after quotes needs a single word inside them', this.i);
      prefix = true;
      this.i++;
    }
    return words.length === 1 ? termNode(words[0], prefix, field) : phraseNode(words, slop, field);
  }

  /** The value after `name:`; the current position is just after the colon. */
  private fieldValue(name: string, namePos: number): QueryNode {
    const s = this.s;
    const field = name.toLowerCase();
    const pos = this.i;
    if (!ALL_FIELD_NAMES.includes(field)) {
      fail(`unknown field "${name}" (known: ${ALL_FIELD_NAMES.join(', ')})`, namePos);
    }
    if (pos >= s.length || isSpace(s[pos]) || s[pos] === ')') {
      fail(`missing value after "${name}:" (no space is allowed after the colon)`, pos);
    }
    if (s[pos] === '(') {
      fail(`"${name}:" takes one value, not a group; write (${field}:a OR ${field}:b)`, pos);
    }
    if (isTextField(field)) {
      if (s[pos] === '"') return this.quoted(field);
      const raw = this.bare();
      const node = this.word(raw, pos, field);
      if (node === null) fail(`"${raw}" has no letters or digits to search for in ${field}:`, pos);
      return node;
    }
    if (field === PUBLISHED) return this.published(name, pos);
    if (isKeywordField(field)) return this.keyword(field, pos);
    return fail(`unknown field "${name}"`, namePos);
  }

  private keyword(field: KeywordField, pos: number): QueryNode {
    const s = this.s;
    let value: string;
    if (s[pos] === '"') {
      value = this.quotedText().trim().toLowerCase();
      if (value === '') fail(`missing value after "${field}:" (the quotes are empty)`, pos);
      if (s[this.i] === '~' || s[this.i] === '*') {
        fail(`"${s[this.i]}" applies to words and phrases, not to ${field}: values`, this.i);
      }
    } else {
      const raw = this.bare();
      if (raw.endsWith('*')) {
        fail(`${field}: values must match exactly; prefix search "*" is not supported`, pos + raw.length - 1);
      }
      value = raw.toLowerCase();
    }
    const known = KEYWORD_VALUES[field];
    if (known !== undefined && !known.includes(value)) {
      fail(`unknown ${field} "${value}" (known: ${known.join(', ')})`, pos);
    }
    return { kind: 'keyword', field, value };
  }

  private published(name: string, pos: number): RangeNode {
    const s = this.s;
    if (s[pos] === '[' || s[pos] === '{') return this.bracketRange(pos);
    if (s[pos] === '"') fail(`"${name}:" takes a date without quotes, as in ${PUBLISHED}:>=2026-01-01`, pos);
    const raw = this.bare();
    const op = raw.startsWith('>=') || raw.startsWith('<=') ? raw.slice(0, 2) : /^[<>]/.test(raw) ? raw[0] : '';
    const text = raw.slice(op.length);
    const datePos = pos + op.length;
    if (text === '') fail(`missing date after "${name}:${op}"`, datePos);
    const date = parseDate(text, datePos, this.now);
    const node: RangeNode = { kind: 'range', field: 'published' };
    const end = date.day ? date.ms + DAY_MS : date.ms;
    switch (op) {
      case '>=':
        node.gte = iso(date.ms);
        break;
      case '>':
        if (date.day) node.gte = iso(checkRange(end, text, datePos));
        else node.gt = iso(date.ms);
        break;
      case '<=':
        if (date.day) node.lt = iso(checkRange(end, text, datePos));
        else node.lte = iso(date.ms);
        break;
      case '<':
        node.lt = iso(date.ms);
        break;
      default:
        if (date.day) {
          // A day: that whole UTC day.
          node.gte = iso(date.ms);
          node.lt = iso(checkRange(end, text, datePos));
        } else if (RELATIVE_RE.test(text)) {
          // `published:now-7d`: since then.
          node.gte = iso(date.ms);
        } else {
          // One exact instant.
          node.gte = iso(date.ms);
          node.lte = iso(date.ms);
        }
    }
    return node;
  }

  /** `[a TO b]` inclusive, `{a TO b}` exclusive (mixable), `*` for an open end. */
  private bracketRange(open: number): RangeNode {
    const s = this.s;
    let i = open + 1;
    const skip = (): void => {
      while (i < s.length && isSpace(s[i])) i++;
    };
    const part = (what: string): { text: string; pos: number } => {
      skip();
      if (i >= s.length) fail(`unterminated range: missing ${what} and the closing "]" or "}"`, open);
      const start = i;
      while (i < s.length && !isSpace(s[i]) && !'[]{}()"'.includes(s[i])) i++;
      if (i === start) fail(`expected ${what} in the range, found "${s[i]}"`, i);
      return { text: s.slice(start, i), pos: start };
    };
    const lo = part('a start date (or *)');
    const to = part('"TO"');
    if (to.text !== 'TO') {
      fail(`expected "TO" between the dates, as in ${PUBLISHED}:[2026-01-01 TO 2026-02-01]`, to.pos);
    }
    const hi = part('an end date (or *)');
    skip();
    if (i >= s.length) fail('unterminated range: missing the closing "]" or "}"', open);
    if (s[i] !== ']' && s[i] !== '}') fail(`expected "]" or "}" to close the range, found "${s[i]}"`, i);
    const lowExclusive = s[open] === '{';
    const highExclusive = s[i] === '}';
    this.i = i + 1;

    const node: RangeNode = { kind: 'range', field: 'published' };
    let low: { ms: number; exclusive: boolean } | undefined;
    let high: { ms: number; exclusive: boolean } | undefined;
    if (lo.text !== '*') {
      const d = parseDate(lo.text, lo.pos, this.now);
      if (d.day && lowExclusive) {
        low = { ms: checkRange(d.ms + DAY_MS, lo.text, lo.pos), exclusive: false };
      } else {
        low = { ms: d.ms, exclusive: lowExclusive };
      }
      if (low.exclusive) node.gt = iso(low.ms);
      else node.gte = iso(low.ms);
    }
    if (hi.text !== '*') {
      const d = parseDate(hi.text, hi.pos, this.now);
      if (d.day && !highExclusive) {
        high = { ms: checkRange(d.ms + DAY_MS, hi.text, hi.pos), exclusive: true };
      } else {
        high = { ms: d.ms, exclusive: highExclusive };
      }
      if (high.exclusive) node.lt = iso(high.ms);
      else node.lte = iso(high.ms);
    }
    if (
      low !== undefined &&
      high !== undefined &&
      (low.ms > high.ms || (low.ms === high.ms && (low.exclusive || high.exclusive)))
    ) {
      fail(`empty date range: ${lo.text} is not before ${hi.text}`, open);
    }
    return node;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  private lookahead: Token | null | undefined;
  private depth = 0;

  constructor(private readonly lexer: Lexer) {}

  /** Null when the query is empty or has no clause left after dropping bare punctuation. */
  parse(): QueryNode | null {
    if (this.peek() === null) return null;
    const node = this.or();
    const extra = this.peek();
    if (extra !== null) {
      // `or` stops only at ")" or the end.
      fail('unexpected ")" without a matching "("', extra.pos);
    }
    return node;
  }

  private peek(): Token | null {
    if (this.lookahead === undefined) this.lookahead = this.lexer.next();
    return this.lookahead;
  }

  private take(): Token | null {
    const token = this.peek();
    this.lookahead = undefined;
    return token;
  }

  /** After an operator: the next token must start a clause. */
  private expectOperand(op: Token): void {
    const next = this.peek();
    if (next === null || next.type === ')') fail(`"${op.type}" must be followed by a clause`, op.pos);
    if (next.type === 'AND' || next.type === 'OR') {
      fail(`expected a clause after "${op.type}", found "${next.type}"`, next.pos);
    }
  }

  private or(): QueryNode | null {
    const children: QueryNode[] = [];
    const first = this.and();
    if (first !== null) children.push(first);
    for (let t = this.peek(); t !== null && t.type === 'OR'; t = this.peek()) {
      this.take();
      this.expectOperand(t);
      const next = this.and();
      if (next !== null) children.push(next);
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0] : { kind: 'or', children };
  }

  private and(): QueryNode | null {
    const start = this.peek();
    if (start === null) fail('unexpected end of query', 0);
    if (start.type === 'AND' || start.type === 'OR') fail(`"${start.type}" needs a clause before it`, start.pos);
    if (start.type === ')') fail('unexpected ")" without a matching "("', start.pos);
    const children: QueryNode[] = [];
    for (;;) {
      const node = this.unary();
      if (node !== null) children.push(node);
      const t = this.peek();
      if (t === null || t.type === ')' || t.type === 'OR') break;
      if (t.type === 'AND') {
        this.take();
        this.expectOperand(t);
      }
    }
    if (children.length === 0) return null;
    return children.length === 1 ? children[0] : { kind: 'and', children };
  }

  /** Negations are counted, not recursed into: `NOT NOT a` is `a`. */
  private unary(): QueryNode | null {
    let negations = 0;
    for (let t = this.peek(); t !== null && (t.type === 'NOT' || t.type === '-'); t = this.peek()) {
      this.take();
      if (t.type === 'NOT') this.expectOperand(t);
      negations++;
    }
    const node = this.primary();
    if (node === null || negations % 2 === 0) return node;
    return { kind: 'not', child: node };
  }

  private primary(): QueryNode | null {
    const t = this.take();
    if (t === null) return fail('unexpected end of query', 0);
    if (t.type === 'clause') return t.node;
    if (t.type !== '(') return fail(`unexpected "${t.type}"`, t.pos);
    if (++this.depth > MAX_QUERY_DEPTH) {
      fail(`too deeply nested: at most ${MAX_QUERY_DEPTH} levels of parentheses`, t.pos);
    }
    const next = this.peek();
    if (next !== null && next.type === ')') fail('empty parentheses', t.pos);
    if (next === null) fail('unclosed "(": add the matching ")"', t.pos);
    const inner = this.or();
    const close = this.take();
    if (close === null) fail('unclosed "(": add the matching ")"', t.pos);
    this.depth--;
    return inner;
  }
}

/**
 * Parses a query. Throws `QuerySyntaxError` (with the 0-based offset of the offending
 * character) for anything it cannot read; the result is in the form `normalizeQuery` gives.
 *
 * Choices worth knowing:
 * - A bare word with no letter or digit (`&`, a lone `-`, `*`) is dropped as if absent, and so
 *   is anything that only negates or groups it: `&`, `-&`, `NOT &`, `(&)` alone are `all`, and
 *   `a OR &` is `a`. With a field (`title:&`) or in quotes (`"&"`) it is an error instead.
 * - `published:` days are whole UTC days: `>2026-01-01` is from Jan 2, `<=2026-01-01` is before
 *   Jan 2, `[a TO b]` includes all of day b, `{a TO b}` excludes both days. A bare instant is
 *   that instant (gte = lte), a bare relative date (`published:now-7d`) means "since then".
 *   Empty ranges (`[2026-02-01 TO 2026-01-01]`) and years outside 0000..9999 are errors.
 * - `type:` and `priority:` values must be known (DOC_TYPES, PRIORITIES); other keyword values
 *   are free. A bare keyword value ending in `*` is an error (no prefix search on keywords).
 * - `-` directly before `AND`/`OR`/`NOT` negates that word (`-OR` excludes "or").
 * - Field names are case-insensitive; `name:` where name starts with a letter is a field, so
 *   `http://x` is an unknown-field error (quote it) while `10:30` is the phrase "10 30".
 */
export function parseQuery(input: string, options: ParseQueryOptions = {}): QueryNode {
  if (input.length > MAX_QUERY_LENGTH) {
    fail(`query too long: ${input.length} characters, at most ${MAX_QUERY_LENGTH}`, MAX_QUERY_LENGTH);
  }
  const now = (options.now ?? new Date()).getTime();
  if (!Number.isFinite(now)) throw new RangeError('parseQuery: options.now is an invalid Date');
  const lexer = new Lexer(input, now);
  // An empty (or whitespace-only) query is every document.
  const root = new Parser(lexer).parse();
  return normalizeQuery(root ?? { kind: 'all' });
}

// ---------------------------------------------------------------------------------------------
// Normal form

/**
 * The canonical form of a tree, which `parseQuery` always returns:
 * - nested `and`s (and `or`s) are flattened; a one-child `and`/`or` is its child;
 * - `and` drops `all` children and is `all` when none is left; `or` with an `all` child is `all`;
 * - an `and` whose children are all negations starts with an `all` child ("all except ...");
 *   a root that is a lone negation becomes `and(all, not(x))`;
 * - `not(not(x))` is `x`;
 * - a one-word phrase is a term (its slop is meaningless); keyword values are trimmed and
 *   lower-cased; range bounds are `toISOString()` instants, and of two lower (upper) bounds only
 *   the tighter one is kept.
 */
export function normalizeQuery(node: QueryNode): QueryNode {
  const n = normalize(node);
  return n.kind === 'not' ? { kind: 'and', children: [{ kind: 'all' }, n] } : n;
}

function normalize(node: QueryNode): QueryNode {
  switch (node.kind) {
    case 'all':
      return { kind: 'all' };
    case 'term':
      return termNode(node.value, node.prefix, node.field);
    case 'phrase':
      return node.words.length === 1
        ? termNode(node.words[0], false, node.field)
        : phraseNode([...node.words], node.slop, node.field);
    case 'keyword':
      return { kind: 'keyword', field: node.field, value: node.value.trim().toLowerCase() };
    case 'range':
      return normalizeRange(node);
    case 'not': {
      const child = normalize(node.child);
      return child.kind === 'not' ? child.child : { kind: 'not', child };
    }
    case 'and': {
      const children: QueryNode[] = [];
      for (const c of node.children) {
        const n = normalize(c);
        if (n.kind === 'and') children.push(...n.children.filter((x) => x.kind !== 'all'));
        else if (n.kind !== 'all') children.push(n);
      }
      if (children.length === 0) return { kind: 'all' };
      if (children.length === 1) return children[0];
      if (!children.some((c) => c.kind !== 'not')) children.unshift({ kind: 'all' });
      return { kind: 'and', children };
    }
    case 'or': {
      const children: QueryNode[] = [];
      for (const c of node.children) {
        const n = normalize(c);
        if (n.kind === 'all') return { kind: 'all' };
        if (n.kind === 'or') children.push(...n.children);
        else children.push(n);
      }
      return children.length === 1 ? children[0] : { kind: 'or', children };
    }
  }
}

function canonicalInstant(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : iso(ms);
}

function normalizeRange(node: RangeNode): RangeNode {
  const out: RangeNode = { kind: 'range', field: 'published' };
  const gte = node.gte === undefined ? undefined : canonicalInstant(node.gte);
  const gt = node.gt === undefined ? undefined : canonicalInstant(node.gt);
  const lte = node.lte === undefined ? undefined : canonicalInstant(node.lte);
  const lt = node.lt === undefined ? undefined : canonicalInstant(node.lt);
  if (gte !== undefined && gt !== undefined && !Number.isNaN(Date.parse(gte)) && !Number.isNaN(Date.parse(gt))) {
    if (Date.parse(gte) > Date.parse(gt)) out.gte = gte;
    else out.gt = gt;
  } else {
    if (gte !== undefined) out.gte = gte;
    if (gt !== undefined) out.gt = gt;
  }
  if (lte !== undefined && lt !== undefined && !Number.isNaN(Date.parse(lte)) && !Number.isNaN(Date.parse(lt))) {
    if (Date.parse(lte) < Date.parse(lt)) out.lte = lte;
    else out.lt = lt;
  } else {
    if (lte !== undefined) out.lte = lte;
    if (lt !== undefined) out.lt = lt;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const BARE_KEYWORD = /^[^\s()"]+$/;

/**
 * The canonical text of a query: `parseQuery(formatQuery(q))` equals `normalizeQuery(q)` for
 * every tree `parseQuery` can return (and any tree whose words are single folded tokens).
 * Clauses are ANDed by juxtaposition (`a -b (c OR d)`), negation is `-`.
 * Throws a plain Error for trees the language cannot express: `not(all)` (matches nothing), a
 * keyword value containing `"`, an empty phrase, an unparseable range bound.
 */
export function formatQuery(node: QueryNode): string {
  const n = normalizeQuery(node);
  return n.kind === 'all' ? '' : format(n);
}

function format(node: QueryNode): string {
  switch (node.kind) {
    case 'all':
      throw new Error('formatQuery: "all" can only be the whole query (not(all) matches nothing)');
    case 'term':
      return `${fieldPrefix(node.field)}${node.value}${node.prefix ? '*' : ''}`;
    case 'phrase':
      if (node.words.length === 0) throw new Error('formatQuery: a phrase needs at least one word');
      return `${fieldPrefix(node.field)}"${node.words.join(' ')}"${node.slop === undefined ? '' : `~${node.slop}`}`;
    case 'keyword':
      if (node.value === '' || node.value.includes('"')) {
        throw new Error(`formatQuery: keyword value ${JSON.stringify(node.value)} cannot be written in a query`);
      }
      return `${node.field}:${BARE_KEYWORD.test(node.value) && !node.value.endsWith('*') ? node.value : `"${node.value}"`}`;
    case 'range':
      return formatRange(node);
    case 'not':
      return `-${node.child.kind === 'and' || node.child.kind === 'or' ? `(${format(node.child)})` : format(node.child)}`;
    case 'and':
      return node.children
        .filter((c) => c.kind !== 'all')
        .map((c) => (c.kind === 'or' ? `(${format(c)})` : format(c)))
        .join(' ');
    case 'or':
      return node.children.map((c) => (c.kind === 'or' ? `(${format(c)})` : format(c))).join(' OR ');
  }
}

function fieldPrefix(field: QueryTextField | undefined): string {
  return field === undefined ? '' : `${field}:`;
}

function formatBound(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`formatQuery: range bound ${JSON.stringify(value)} is not a date`);
  return iso(ms);
}

function formatRange(node: RangeNode): string {
  const lowers = [node.gte, node.gt].filter((b) => b !== undefined).length;
  const uppers = [node.lte, node.lt].filter((b) => b !== undefined).length;
  if (lowers > 1 || uppers > 1) {
    throw new Error('formatQuery: a range has two lower or two upper bounds');
  }
  if (lowers + uppers === 1) {
    if (node.gte !== undefined) return `${PUBLISHED}:>=${formatBound(node.gte)}`;
    if (node.gt !== undefined) return `${PUBLISHED}:>${formatBound(node.gt)}`;
    if (node.lte !== undefined) return `${PUBLISHED}:<=${formatBound(node.lte)}`;
    if (node.lt !== undefined) return `${PUBLISHED}:<${formatBound(node.lt)}`;
  }
  const open = node.gt !== undefined ? '{' : '[';
  const low = node.gte ?? node.gt;
  const close = node.lt !== undefined ? '}' : ']';
  const high = node.lte ?? node.lt;
  return (
    `${PUBLISHED}:${open}${low === undefined ? '*' : formatBound(low)} TO ` +
    `${high === undefined ? '*' : formatBound(high)}${close}`
  );
}
