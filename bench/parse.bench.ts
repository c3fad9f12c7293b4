import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Parser from 'rss-parser';
import { parseFeedSource, type ParseContext } from '@radar/crawl';
import type { Source } from '@radar/sources';
import type { Benchmark } from './harness';

/** Mid-size real feeds: 10 to 200 KB, from rss-parser's and feedjira's corpora (shared test data). */
function corpus(dir: string): { name: string; body: Buffer }[] {
  const folders = ['peer-feeds/rss-parser/test/input', 'peer-feeds/feedjira/spec/sample_feeds'];
  return folders.flatMap((folder) =>
    readdirSync(join(dir, folder))
      .filter((name) => /\.(rss|atom|xml)$/.test(name) && !/FirstEntry|unrecognized/.test(name))
      .map((name) => join(dir, folder, name))
      .filter((path) => {
        const size = statSync(path).size;
        return size >= 10_000 && size <= 200_000;
      })
      .map((path) => ({ name: path, body: readFileSync(path) })),
  );
}

const source: Source = {
  id: 'bench',
  name: 'bench',
  kind: 'rss',
  url: 'https://example.org/feed',
  intervalSeconds: 3600,
  subSectors: [],
  agencies: [],
  requiresApiKey: false,
  enabled: true,
  fetchFullText: false,
  allowPrivateNetwork: false,
  maxPages: 3,
};

/** Feeds parsed per second on one core: bytes to raw items (decode, XML, text, identifiers). */
export const benchmark: Benchmark = {
  name: 'parse',
  async run({ quick }) {
    const dir = resolve(process.env.SHARED_DATA_DIR ?? '../shared/data');
    const name = 'feeds parsed per second (one core, 10-200 KB real feeds)';
    if (!existsSync(dir)) {
      return [{ name, value: 0, unit: 'feeds/s', target: { op: '>=', value: 200 }, notes: 'not run: no shared data' }];
    }
    const feeds = corpus(dir);
    const ctx: ParseContext = { source, url: source.url, now: new Date() };
    // Feeds that fail (ill-formed samples) are left out so the figure is about successful parses.
    const usable: typeof feeds = [];
    for (const feed of feeds) {
      try {
        await parseFeedSource(feed.body, ctx);
        usable.push(feed);
      } catch {
        // not a feed the parser reads: not part of the throughput figure
      }
    }
    const bytes = usable.reduce((n, f) => n + f.body.length, 0);
    const minMs = quick ? 1500 : 5000;
    const rate = await asyncOpsPerSecond(async () => {
      for (const feed of usable) await parseFeedSource(feed.body, ctx);
      return usable.length;
    }, minMs);
    const raw = new Parser();
    const texts = usable.map((f) => f.body.toString('utf8'));
    const baselineRate = await asyncOpsPerSecond(async () => {
      for (const text of texts) await raw.parseString(text);
      return texts.length;
    }, minMs);
    return [
      {
        name,
        value: rate,
        unit: 'feeds/s',
        target: { op: '>=', value: 200 },
        baseline: { name: 'rss-parser parseString only', value: baselineRate, unit: 'feeds/s' },
        notes: `${usable.length} feeds, mean ${Math.round(bytes / usable.length / 1024)} KB`,
      },
    ];
  },
};

async function asyncOpsPerSecond(fn: () => Promise<number>, minMs: number): Promise<number> {
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs) {
    ops += await fn();
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops * 1000) / elapsedMs;
}
