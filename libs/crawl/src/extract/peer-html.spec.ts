import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import { extractArticle, prepareHtml } from './article-extractor';
import { htmlText, loadHtml, normaliseSpace } from './html-text';
import { contentText, mainContentElement } from './main-content';
import { parseDate } from './page-dates';

/**
 * Agreement with Mozilla Readability's own test pages (107 of them in the shared data): title
 * (exact after whitespace normalisation), main text (token-set F1 against the text of
 * expected.html), byline, and publication date (same instant). Text is scored twice: the full
 * extractor, which runs Readability 0.6 and so mostly measures our wrapper and the drift between
 * 0.6 and the newer Readability that wrote the expectations; and the cheerio heuristics alone,
 * which are our own work. Floors are the figures achieved, less a small margin.
 *
 * Achieved when written: title 105/107 (Readability 0.6 keeps "Evolve: " and "– My website" where
 * the newer one drops them), text F1 mean 1.000 (107/107 >= 0.9), heuristics-only F1 mean 0.967
 * (105/107 >= 0.8), byline 55/55, publication date 21/21. The suite prints its figures.
 */
const PAGE_URL = 'http://fakehost/test/page.html';
const NOW = new Date('2026-07-09T00:00:00Z');

interface Expected {
  title: string | null;
  byline: string | null;
  publishedTime: string | null;
}

function tokens(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** Token-set F1 of two texts (1 when both are empty). */
function tokenF1(ours: string, expected: string): number {
  const a = tokens(ours);
  const b = tokens(expected);
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  if (common === 0) return 0;
  const precision = common / a.size;
  const recall = common / b.size;
  return (2 * precision * recall) / (precision + recall);
}

interface Row {
  name: string;
  title: boolean;
  f1: number;
  heuristicF1: number;
  byline?: boolean;
  date?: boolean;
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const share = (xs: (boolean | undefined)[]): { hits: number; of: number } => {
  const known = xs.filter((x) => x !== undefined);
  return { hits: known.filter(Boolean).length, of: known.length };
};

describeWithSharedData('extraction agreement with the Readability test pages', () => {
  const dir = sharedDataPath('peer-html/readability/test/test-pages');
  const rows: Row[] = [];

  beforeAll(() => {
    for (const name of readdirSync(dir).sort()) {
      const source = readFileSync(join(dir, name, 'source.html'), 'utf8');
      const expectedText = htmlText(readFileSync(join(dir, name, 'expected.html'), 'utf8'));
      const meta = JSON.parse(readFileSync(join(dir, name, 'expected-metadata.json'), 'utf8')) as Expected;
      const article = extractArticle(source, PAGE_URL, NOW);
      const heuristicText = contentText(mainContentElement(loadHtml(prepareHtml(source).html)));
      const expectedDate = meta.publishedTime ? parseDate(meta.publishedTime)?.toISOString() : undefined;
      rows.push({
        name,
        title: normaliseSpace(article.title) === normaliseSpace(meta.title ?? ''),
        f1: tokenF1(article.text, expectedText),
        heuristicF1: tokenF1(heuristicText, expectedText),
        byline: meta.byline ? normaliseSpace(article.byline ?? '') === normaliseSpace(meta.byline) : undefined,
        date: expectedDate ? article.publishedAt === expectedDate : undefined,
      });
    }
    const title = share(rows.map((r) => r.title));
    const byline = share(rows.map((r) => r.byline));
    const date = share(rows.map((r) => r.date));
    process.stderr.write(
      `peer-html agreement over ${rows.length} pages: title ${title.hits}/${title.of}, ` +
        `text F1 mean ${mean(rows.map((r) => r.f1)).toFixed(4)} (>= 0.9: ${rows.filter((r) => r.f1 >= 0.9).length}), ` +
        `heuristics-only F1 mean ${mean(rows.map((r) => r.heuristicF1)).toFixed(4)} ` +
        `(>= 0.8: ${rows.filter((r) => r.heuristicF1 >= 0.8).length}), ` +
        `byline ${byline.hits}/${byline.of}, published date ${date.hits}/${date.of}\n`,
    );
  }, 180_000); // about 30 s on a busy 2-core machine

  it('reads every page', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
  });

  it('agrees on the title of at least 96% of pages', () => {
    const { hits, of } = share(rows.map((r) => r.title));
    expect(hits / of).toBeGreaterThanOrEqual(0.96);
  });

  it('agrees on the main text: mean token F1 >= 0.99, and >= 0.9 on at least 98% of pages', () => {
    expect(mean(rows.map((r) => r.f1))).toBeGreaterThanOrEqual(0.99);
    expect(rows.filter((r) => r.f1 >= 0.9).length / rows.length).toBeGreaterThanOrEqual(0.98);
  });

  it('the cheerio heuristics alone reach a mean token F1 >= 0.95', () => {
    expect(mean(rows.map((r) => r.heuristicF1))).toBeGreaterThanOrEqual(0.95);
    expect(rows.filter((r) => r.heuristicF1 >= 0.8).length / rows.length).toBeGreaterThanOrEqual(0.95);
  });

  it('agrees on the byline and the publication date where the page states them', () => {
    const byline = share(rows.map((r) => r.byline));
    const date = share(rows.map((r) => r.date));
    expect(byline.hits / byline.of).toBeGreaterThanOrEqual(0.95);
    expect(date.hits / date.of).toBeGreaterThanOrEqual(0.9);
  });
});
