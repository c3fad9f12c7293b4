import type { CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { domhandlerAdapter, SKIPPED_TAGS, treeText } from './html-text';

/**
 * Main-content heuristics on a cheerio document, for pages Readability gives up on: an explicit
 * article body (schema.org articleBody, `<article>`, `[role=main]`, `<main>`) when it holds enough
 * text, else the element that collects the most paragraph text (each paragraph scores its
 * non-link text for its parent, half for its grandparent). Boilerplate inside the chosen element
 * (navigation, share bars, comments, hidden nodes) is left out. Nothing is mutated and no step
 * recurses, so hostile pages cost linear time.
 */

/** An explicit container with less text than this is probably a teaser: look further. */
const MIN_CONTAINER_CHARS = 250;

const BOILERPLATE_TAGS: ReadonlySet<string> = new Set(['nav', 'header', 'footer', 'aside', 'form', 'menu', 'dialog']);
const BOILERPLATE_NAMES =
  /(^|[\s_-])(comments?|share|sharing|social|related|promo|sidebar|newsletter|subscribe|advert|ads?|cookie|breadcrumbs?|menu|masthead|skip-link|popup|modal)($|[\s_-])/i;

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag';
}

/** True for elements that are page furniture rather than article text. */
export function isBoilerplate(node: AnyNode): boolean {
  if (!isElement(node)) return false;
  const a = node.attribs;
  if (BOILERPLATE_TAGS.has(node.name.toLowerCase())) return true;
  if (a.hidden !== undefined || a['aria-hidden'] === 'true') return true;
  if (a.style && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(a.style)) return true;
  const role = (a.role ?? '').toLowerCase();
  if (['navigation', 'banner', 'contentinfo', 'complementary', 'dialog', 'menu'].includes(role)) return true;
  return BOILERPLATE_NAMES.test(`${a.class ?? ''} ${a.id ?? ''}`);
}

/** Text of `node` without boilerplate. */
export function contentText(node: AnyNode): string {
  return treeText(node, domhandlerAdapter, isBoilerplate);
}

/** Characters of text under `node`, and how many of them are link text (iterative). */
function textStats(node: AnyNode): { chars: number; linkChars: number } {
  let chars = 0;
  let linkChars = 0;
  const stack: { node: AnyNode; inLink: boolean }[] = [{ node, inLink: false }];
  while (stack.length > 0) {
    const { node: n, inLink } = stack.pop()!;
    if (n.type === 'text') {
      const len = n.data.replace(/\s+/g, ' ').trim().length;
      chars += len;
      if (inLink) linkChars += len;
      continue;
    }
    if (!isElement(n) || SKIPPED_TAGS.has(n.name.toLowerCase())) continue;
    const link = inLink || n.name.toLowerCase() === 'a';
    for (const child of n.children) stack.push({ node: child, inLink: link });
  }
  return { chars, linkChars };
}

function bestBy<T>(items: T[], score: (item: T) => number): { item?: T; score: number } {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) {
      best = item;
      bestScore = s;
    }
  }
  return { item: best, score: bestScore };
}

/** The element holding the page's main text, or the body (or root) when nothing stands out. */
export function mainContentElement($: CheerioAPI): AnyNode {
  for (const selector of ['[itemprop~=articleBody]', 'article', '[role=main]', 'main']) {
    const { item, score } = bestBy($(selector).toArray(), (el) => contentText(el).length);
    if (item && score >= MIN_CONTAINER_CHARS) return item;
  }
  const scores = new Map<Element, number>();
  const credit = (el: Element | null, points: number): void => {
    if (el && isElement(el)) scores.set(el, (scores.get(el) ?? 0) + points);
  };
  for (const p of $('p, pre, blockquote, td').toArray()) {
    const { chars, linkChars } = textStats(p);
    if (chars < 25) continue;
    const points = (chars - linkChars) * (1 - linkChars / chars);
    const parent = p.parent as Element | null;
    credit(parent, points);
    credit(parent?.parent as Element | null, points / 2);
  }
  // Text written straight into a <div> between <br>s counts for that div.
  for (const div of $('div').toArray()) {
    const direct = div.children
      .filter((c) => c.type === 'text')
      .reduce((sum, c) => sum + (c.type === 'text' ? c.data.trim().length : 0), 0);
    if (direct >= 100) credit(div, direct);
  }
  const { item } = bestBy([...scores.entries()], ([el, score]) => (isBoilerplate(el) ? score / 4 : score));
  return item?.[0] ?? $('body').get(0) ?? $.root().get(0)!;
}
