import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractArticle } from '@radar/crawl';
import { Benchmark, opsPerSecond } from './harness';

/**
 * Article extraction throughput (one core) over Mozilla Readability's test pages in the shared
 * data, beside a parse-only baseline (jsdom building the same documents, which Readability needs
 * anyway). Not run without the shared data.
 */
export const benchmark: Benchmark = {
  name: 'extract',
  async run({ quick }) {
    const dataDir = resolve(process.env.SHARED_DATA_DIR ?? resolve('../shared/data'));
    const pagesDir = join(dataDir, 'peer-html/readability/test/test-pages');
    const name = 'articles extracted per second (one core, Readability test pages)';
    if (!existsSync(pagesDir)) {
      return [{ name, value: 0, unit: 'articles/s', notes: 'not run: no shared data' }];
    }
    const pages = readdirSync(pagesDir)
      .sort()
      .map((page) => readFileSync(join(pagesDir, page, 'source.html'), 'utf8'));
    const sample = quick ? pages.filter((_, i) => i % 3 === 0) : pages;
    const url = 'http://fakehost/test/page.html';
    const now = new Date('2026-07-09T00:00:00Z');
    extractArticle(sample[0], url, now); // load jsdom and Readability once
    const minMs = quick ? 3000 : 15000;
    const rate = opsPerSecond(
      () => {
        for (const html of sample) extractArticle(html, url, now);
        return sample.length;
      },
      { minMs },
    );
    const { JSDOM, VirtualConsole } = await import('jsdom');
    const parseRate = opsPerSecond(
      () => {
        for (const html of sample) new JSDOM(html, { url, virtualConsole: new VirtualConsole() }).window.close();
        return sample.length;
      },
      { minMs: minMs / 3 },
    );
    const kb = sample.reduce((sum, html) => sum + html.length, 0) / sample.length / 1024;
    return [
      {
        name,
        value: rate,
        unit: 'articles/s',
        baseline: { name: 'jsdom parse only', value: parseRate, unit: 'pages/s' },
        notes: `${sample.length} pages, mean ${kb.toFixed(0)} KB of HTML`,
      },
    ];
  },
};
