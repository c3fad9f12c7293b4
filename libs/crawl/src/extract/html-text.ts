/// <reference types="jsdom" />
import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';

/**
 * Block-aware text of an HTML tree: paragraphs separated by a blank line, `<br>` kept as a line
 * break inside a paragraph (two in a row start a new paragraph), whitespace collapsed. The walk is
 * iterative so a hostile, deeply nested page cannot overflow the stack. One walker serves both
 * trees we hold: jsdom's DOM (Readability's output) and cheerio's domhandler nodes.
 */
export interface TreeAdapter<N> {
  children(node: N): ArrayLike<N>;
  /** Lower-case tag name for an element, undefined for anything else. */
  tagName(node: N): string | undefined;
  /** The data of a text node, undefined for anything else. */
  textOf(node: N): string | undefined;
}

/** Elements whose content is never article text. */
export const SKIPPED_TAGS: ReadonlySet<string> = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'title',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'select',
  'textarea',
  'button',
]);

const BLOCK_TAGS: ReadonlySet<string> = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hgroup',
  'hr',
  'html',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'caption',
  'tr',
  'ul',
]);

/** Table cells are separated by a space, not a paragraph break. */
const CELL_TAGS: ReadonlySet<string> = new Set(['td', 'th']);

// Zero-width characters that survive `\s` but carry no text.
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

const BREAK = '\u0000';

/** Collapses runs of spaces, trims lines, and splits on blank lines into paragraphs. */
function paragraphsOf(chunk: string): string[] {
  return chunk
    .split(new RegExp(`${BREAK}[ ]*(?:${BREAK}[ ]*)+`))
    .map((para) =>
      para
        .split(BREAK)
        .map((line) => line.replace(/ +/g, ' ').trim())
        .filter((line) => line.length > 0)
        .join('\n'),
    )
    .filter((para) => para.length > 0);
}

/**
 * The text of `root`. `skip` (never asked about `root` itself) drops an element with everything
 * inside it: boilerplate such as navigation or share bars.
 */
export function treeText<N>(root: N, adapter: TreeAdapter<N>, skip?: (node: N) => boolean): string {
  const paragraphs: string[] = [];
  let current = '';
  let preDepth = 0;
  const flush = (): void => {
    if (current) paragraphs.push(...paragraphsOf(current));
    current = '';
  };
  // Frames: a node to enter, or a marker to leave an element.
  const stack: ({ node: N } | { leave: string })[] = [{ node: root }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('leave' in frame) {
      if (frame.leave === 'pre') preDepth--;
      if (BLOCK_TAGS.has(frame.leave)) flush();
      continue;
    }
    const { node } = frame;
    const text = adapter.textOf(node);
    if (text !== undefined) {
      const cleaned = text.replace(INVISIBLE, '');
      current +=
        preDepth > 0
          ? cleaned
              .replace(/\r\n?/g, '\n')
              .replace(/\n/g, BREAK)
              .replace(/[^\S\n]/g, ' ')
          : cleaned.replace(/\s+/g, ' ');
      continue;
    }
    const tag = adapter.tagName(node);
    if (tag !== undefined) {
      // The root is read even when it is a skipped kind (asking for a <title>'s text is deliberate).
      if (node !== root && (SKIPPED_TAGS.has(tag) || skip?.(node))) continue;
      if (tag === 'br') {
        current += BREAK;
        continue;
      }
      if (CELL_TAGS.has(tag)) current += ' ';
      if (BLOCK_TAGS.has(tag)) flush();
      if (tag === 'pre') preDepth++;
      stack.push({ leave: tag });
    }
    const children = adapter.children(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] });
  }
  flush();
  return paragraphs.join('\n\n');
}

/** Adapter for cheerio's (domhandler) nodes. */
export const domhandlerAdapter: TreeAdapter<AnyNode> = {
  children: (node) => ('children' in node ? node.children : []),
  tagName: (node) =>
    node.type === 'tag' || node.type === 'script' || node.type === 'style' ? node.name.toLowerCase() : undefined,
  textOf: (node) => (node.type === 'text' ? node.data : undefined),
};

/** Adapter for a W3C DOM (jsdom). */
export const domAdapter: TreeAdapter<Node> = {
  children: (node) => node.childNodes,
  tagName: (node) => (node.nodeType === 1 ? (node as Element).localName.toLowerCase() : undefined),
  textOf: (node) => (node.nodeType === 3 ? ((node as Text).data ?? '') : undefined),
};

/**
 * Loads HTML for reading with cheerio through htmlparser2: linear and about ten times faster than
 * parse5 on large pages. Its tree differs from a browser's only in edge cases (implied tags), which
 * metadata and text heuristics do not mind; Readability gets a real HTML5 parse in jsdom.
 */
export function loadHtml(html: string): CheerioAPI {
  return cheerio.load(html, {
    xml: { xmlMode: false, decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  });
}

/** Block-aware text of every node `selector` matches (default: the whole document). */
export function htmlText(input: string | CheerioAPI, selector?: string): string {
  const $ = typeof input === 'string' ? loadHtml(input) : input;
  const nodes = selector ? $(selector).toArray() : [$.root()[0]];
  return nodes
    .map((node) => treeText<AnyNode>(node, domhandlerAdapter))
    .filter((text) => text.length > 0)
    .join('\n\n');
}

/** Whitespace collapsed to single spaces and trimmed: the form titles are compared in. */
export function normaliseSpace(value: string): string {
  return value.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}
