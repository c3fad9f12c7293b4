import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { redisOptionsFromUrl } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { Queue, Worker } from 'bullmq';
import { generateDocuments } from './corpus';
import { deleteRedisPrefix } from '../libs/testing/src/test-env';
import { REDIS_URL, startBenchSystem } from './bench-system';
import { Benchmark, Figure } from './harness';

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
  await deleteRedisPrefix(REDIS_URL, prefix);
  return rate;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The file-backed part of this process's resident memory (Linux), in MiB. */
function fileBackedRssMiB(): number | undefined {
  try {
    const kb = /^RssFile:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

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

    let peakRss = process.memoryUsage().rss;
    let peakFileMiB: number | undefined;
    const sampler = setInterval(() => {
      const rss = process.memoryUsage().rss;
      if (rss <= peakRss) return;
      peakRss = rss;
      peakFileMiB = fileBackedRssMiB();
    }, 100);
    const system = await startBenchSystem(
      Array.from({ length: feeds }, (_, n) => ({
        id: `feed-${n}`,
        name: `Feed ${n}`,
        kind: 'rss',
        url: `http://127.0.0.1:${port}/feed/${n}.xml`,
        intervalSeconds: 86400,
        allowPrivateNetwork: true,
      })),
    );
    const radar = system.radar;
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
    await system.close();
    await new Promise<void>((r) => server.close(() => r()));

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
        notes:
          peakFileMiB === undefined
            ? undefined
            : `of which ${peakFileMiB.toFixed(0)} MiB file-backed (the program and the SQLite file mapped into memory)`,
      },
    ];
    return figures;
  },
};
