import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';
import { bootRadar } from '@radar/runtime';
import { SearchIndex } from '@radar/search';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { ApiModule } from '../apps/api/src/api.module';
import { ClassifierModule } from '../apps/classifier/src/classifier.module';
import { CrawlerModule } from '../apps/crawler/src/crawler.module';
import { NotifierModule } from '../apps/notifier/src/notifier.module';
import { generateDocuments } from './corpus';
import { Benchmark, Figure } from './harness';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** Raw BullMQ: no-op jobs per second on this machine and Redis (the baseline of queue-bound figures). */
async function bullmqNoopRate(jobs: number): Promise<number> {
  const prefix = `bench-noop-${randomBytes(4).toString('hex')}`;
  const connection = redisOptionsFromUrl(REDIS_URL);
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  const worker = new Worker(
    'noop',
    async () => {
      if (++done === jobs) finished();
    },
    { connection, prefix, concurrency: 16, autorun: false },
  );
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({
        name: 'noop',
        data: { i: i + k },
        opts: { removeOnComplete: true },
      })),
    );
  }
  const start = Date.now();
  void worker.run();
  await all;
  const rate = (jobs * 1000) / (Date.now() - start);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await deletePrefix(prefix);
  return rate;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * End-to-end ingest: a loopback HTTP server serves FEEDS feeds of ITEMS items (generated
 * deterministically on request, so the server holds no corpus); the all-in-one system on
 * embedded defaults (this process) crawls, classifies and indexes them. Documents per second from
 * the first fetch to the last document searchable, and the process's peak RSS.
 */
export const benchmark: Benchmark = {
  name: 'pipeline',
  async run({ quick }) {
    const feeds = quick ? 20 : 500;
    const items = 100;
    const noop = await bullmqNoopRate(quick ? 5000 : 20000);

    let firstFetch = 0;
    const server: Server = createServer((req, res) => {
      const n = Number(/^\/feed\/(\d+)\.xml$/.exec(req.url ?? '')?.[1]);
      if (!Number.isInteger(n)) {
        res.writeHead(404).end();
        return;
      }
      firstFetch ||= Date.now();
      const docs = generateDocuments(items, 1500, 1000 + n);
      const body = docs
        .map(
          (d, i) =>
            `<item><guid>feed-${n}-item-${i}</guid><title>${escapeXml(d.title)}</title>` +
            `<link>https://news.example.gov/${n}/${i}</link><description>${escapeXml(d.body)}</description>` +
            `<pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>`,
        )
        .join('');
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${n}</title>${body}</channel></rss>`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;

    const dataDir = mkdtempSync(join(tmpdir(), 'radar-bench-'));
    const prefix = `bench-${randomBytes(4).toString('hex')}`;
    const sourcesFile = join(dataDir, 'sources.json');
    writeFileSync(
      sourcesFile,
      JSON.stringify(
        Array.from({ length: feeds }, (_, n) => ({
          id: `feed-${n}`,
          name: `Feed ${n}`,
          kind: 'rss',
          url: `http://127.0.0.1:${port}/feed/${n}.xml`,
          intervalSeconds: 86400,
          allowPrivateNetwork: true,
        })),
      ),
    );
    const config = RadarConfig.fromEnv({
      DATA_DIR: dataDir,
      REDIS_URL,
      REDIS_AUTOSTART: 'false',
      QUEUE_PREFIX: prefix,
      SOURCES_FILE: sourcesFile,
      CRAWL_TICK_SECONDS: '1',
      FETCH_HOST_DELAY_MS: '0',
      PORT: '0',
      LOG_LEVEL: 'error',
    });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const radar = await bootRadar({
      name: 'bench',
      roles: [CrawlerModule, ClassifierModule, NotifierModule, ApiModule],
      http: true,
      config,
      logLevels: ['error'],
    });
    const total = feeds * items;
    const index = radar.app.get(SearchIndex);
    const deadline = Date.now() + (quick ? 90000 : 600000);
    let count = 0;
    while (Date.now() < deadline) {
      count = await index.count();
      if (count >= total) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const end = Date.now();
    clearInterval(sampler);
    await radar.close();
    await new Promise<void>((r) => server.close(() => r()));
    await deletePrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });

    const rate = (count * 1000) / (end - firstFetch);
    const figures: Figure[] = [
      {
        name: `documents/s, first fetch to last searchable (${feeds} feeds x ${items} items, all-in-one)`,
        value: rate,
        unit: 'docs/s',
        target: { op: '>=', value: 1000 },
        baseline: { name: 'raw BullMQ no-op jobs', value: noop, unit: 'jobs/s' },
        notes: count < total ? `timed out with ${count} of ${total} documents indexed` : undefined,
      },
      {
        name: 'peak RSS of the all-in-one process',
        value: peakRss / 2 ** 20,
        unit: 'MiB',
        target: { op: '<=', value: 500 },
      },
    ];
    return figures;
  },
};
