import * as cheerio from 'cheerio';
import { diffArrays } from 'diff';
import type { TextDiff } from '@radar/core';

/**
 * Page watching, pure: a watched page becomes normalised text lines, two versions' lines are
 * diffed, and a diff is judged meaningful or noise. The crawler keeps the previous lines.
 */

export interface PageTextOptions {
  /** Only these parts of the page are watched (cheerio selectors). */
  include?: string[];
  /** Noise inside the page (rotating banners, counters, "last updated"): dropped before diffing. */
  exclude?: string[];
}

/** Chrome that changes independently of a page's content. */
const ALWAYS_DROPPED =
  'head, script, style, noscript, template, iframe, svg, nav, footer, header, [hidden], [aria-hidden="true"]';

const BLOCK = new Set(
  (
    'address article aside blockquote body dd details dialog div dl dt fieldset figcaption figure form h1 h2 h3 h4 h5 h6 ' +
    'hr li main ol p pre section summary table tbody thead tfoot tr td th ul caption legend option br'
  ).split(' '),
);

interface Node {
  type: string;
  data?: string;
  name?: string;
  children?: Node[];
}

function collect(node: Node, lines: string[], current: { text: string }): void {
  if (node.type === 'text') {
    current.text += node.data ?? '';
    return;
  }
  if (node.type !== 'tag' && node.type !== 'root') return;
  const block = BLOCK.has(node.name ?? '');
  if (block) flush(lines, current);
  for (const child of node.children ?? []) collect(child, lines, current);
  if (block) flush(lines, current);
  else if (node.name === 'td' || node.name === 'th') current.text += ' ';
}

function flush(lines: string[], current: { text: string }): void {
  const line = current.text.replace(/\s+/g, ' ').trim();
  if (line) lines.push(line);
  current.text = '';
}

/**
 * The watched page as text lines: head, script, style, nav, header and footer dropped with the
 * `exclude` selectors; only the `include` parts when given (in document order); each block
 * element ends a line; whitespace collapsed; empty lines dropped.
 */
export function pageText(html: string, options: PageTextOptions = {}): string[] {
  const $ = cheerio.load(html);
  $(ALWAYS_DROPPED).remove();
  for (const selector of options.exclude ?? []) $(selector).remove();
  const roots = options.include?.length ? $(options.include.join(', ')).toArray() : [$.root().get(0)!];
  const lines: string[] = [];
  const current = { text: '' };
  // A root nested in another included root is read once, with its ancestor.
  const top = roots.filter((r) => !roots.some((other) => other !== r && $(other).find(r as never).length > 0));
  for (const root of top) {
    collect(root as unknown as Node, lines, current);
    flush(lines, current);
  }
  return lines;
}

/** Lines of `a` not matched in `b`, counting duplicates (multiset difference), in `a`'s order. */
function multisetMinus(a: string[], b: string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of b) counts.set(line, (counts.get(line) ?? 0) + 1);
  const out: string[] = [];
  for (const line of a) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else out.push(line);
  }
  return out;
}

/**
 * Lines added and removed between two versions. Reorder-insensitive compares the versions as
 * multisets of lines (a re-sorted list is no change); otherwise a line diff (LCS), where a
 * moved line shows as removed and added.
 */
export function diffPage(previous: string[], current: string[], reorderInsensitive: boolean): TextDiff {
  if (reorderInsensitive) {
    return { added: multisetMinus(current, previous), removed: multisetMinus(previous, current) };
  }
  const added: string[] = [];
  const removed: string[] = [];
  for (const change of diffArrays(previous, current)) {
    if (change.added) added.push(...change.value);
    else if (change.removed) removed.push(...change.value);
  }
  return { added, removed };
}

/** Labels of lines whose digits tick on their own: timestamps, counters, "as of" stamps. */
const VOLATILE_LINE =
  /\b(?:last\s+)?(?:updated|modified|reviewed|refreshed|generated|retrieved|revised|published)\b|\bas of\b|\b(?:page\s*)?views?\b|\bvisit(?:s|ors?)\b|\bhits\b|\bcopyright\b|©|\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\b/i;

const MAX_VOLATILE_LINE = 120;

/**
 * False for an empty diff, and for a diff whose every change is a short line that differs from
 * its counterpart only in digits *and* carries a timestamp or counter label ("Last updated 10:32",
 * "Page views: 1,204", "© 2025"). Digit changes elsewhere are kept on purpose: on a policy page a
 * changed number (a tariff rate, a deadline, a dollar amount) is often the news.
 */
export function isMeaningfulChange(diff: TextDiff): boolean {
  if (diff.added.length === 0 && diff.removed.length === 0) return false;
  if (diff.added.length !== diff.removed.length) return true;
  const mask = (line: string) => line.replace(/\d+/g, '#');
  const volatile = (line: string) => line.length <= MAX_VOLATILE_LINE && VOLATILE_LINE.test(line);
  if (![...diff.added, ...diff.removed].every(volatile)) return true;
  const remaining = multisetMinus(diff.added.map(mask), diff.removed.map(mask));
  return remaining.length > 0;
}
