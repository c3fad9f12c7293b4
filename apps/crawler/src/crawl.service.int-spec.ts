import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@radar/config';
import { MetricsModule } from '@radar/metrics';
import { JobName, PermanentJobError, QueueModule, QueueName } from '@radar/queue';

import { createTestEnv, FixtureHttpServer, TestEnv } from '@radar/testing';
import type { Queue } from 'bullmq';
import { CrawlScheduleService } from './crawl-schedule.service';
import { SearchModule } from '@radar/search';
import { SourcesModule, SourceStateStore } from '@radar/sources';
import { CrawlService } from './crawl.service';
import { HttpFetcher } from './http-fetcher.adapter';

const item = (guid: string, title: string) =>
  `<item><guid>${guid}</guid><title>${title}</title><link>https://agency.example.gov/${guid}</link><description>About ${title}</description></item>`;
const rss = (...items: string[]) =>
  `<rss version="2.0"><channel><title>Fixture</title>${items.join('')}</channel></rss>`;

describe('CrawlService (real Redis, loopback HTTP)', () => {
  let env: TestEnv;
  let server: FixtureHttpServer;
  let moduleRef: TestingModule;
  let crawl: CrawlService;
  let state: SourceStateStore;
  let ingest: Queue;
  let crawlQueue: Queue;

  beforeAll(async () => {
    server = await new FixtureHttpServer().start();
    env = createTestEnv((dataDir) => {
      const file = join(dataDir, 'sources.json');
      const source = (id: string) => ({
        id,
        name: id,
        kind: 'rss',
        url: `${server.url}/${id}`,
        intervalSeconds: 60,
        allowPrivateNetwork: true,
      });
      writeFileSync(file, JSON.stringify(['etag', 'plain', 'gone', 'busy', 'huge', 'garbage'].map(source)));
      return { SOURCES_FILE: file, FETCH_MAX_BYTES: '4096' };
    });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(env.config), MetricsModule, QueueModule, SourcesModule, SearchModule],
      providers: [CrawlService, HttpFetcher, CrawlScheduleService, SchedulerRegistry],
    }).compile();
    await moduleRef.init();
    crawl = moduleRef.get(CrawlService);
    state = moduleRef.get(SourceStateStore);
    ingest = moduleRef.get(getQueueToken(QueueName.Ingest));
    crawlQueue = moduleRef.get(getQueueToken(QueueName.Crawl));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.cleanup();
    await server?.stop();
  });

  /** Items waiting in `ingest` batches, as `guid:title`. */
  const waitingItems = async (): Promise<string[]> =>
    (await ingest.getJobs(['waiting']))
      .flatMap((j) => j.data.items as { guid: string; title: string }[])
      .map((i) => `${i.guid}:${i.title}`)
      .sort();

  it('enqueues each item once, in a batch under an id derived from its items, then uses the ETag (304)', async () => {
    server.set('/etag', (headers) =>
      headers['if-none-match'] === '"v1"'
        ? { status: 304, body: '' }
        : { headers: { etag: '"v1"' }, body: rss(item('a', 'Rule A'), item('b', 'Rule B')) },
    );
    expect(await crawl.crawl('etag')).toEqual({ status: 'fetched', items: 2, new: 2, pages: 1 });
    const jobs = await ingest.getJobs(['waiting']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].name).toBe(JobName.IngestBatch);
    expect(jobs[0].id).toMatch(/^ingest-batch\.[0-9a-f]{32}$/);
    expect(await waitingItems()).toEqual(['a:Rule A', 'b:Rule B']);
    expect(await crawl.crawl('etag')).toEqual({ status: 'not-modified' });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(await ingest.count()).toBe(1);
  });

  it('skips an unchanged body when the server has no validators, and re-enqueues nothing for a re-served item', async () => {
    server.set('/plain', { body: rss(item('c', 'Rule C')) });
    expect(await crawl.crawl('plain')).toEqual({ status: 'fetched', items: 1, new: 1, pages: 1 });
    expect(await crawl.crawl('plain')).toEqual({ status: 'unchanged' });
    server.set('/plain', { body: rss(item('c', 'Rule C'), item('d', 'Rule D')) });
    expect(await crawl.crawl('plain')).toEqual({ status: 'fetched', items: 2, new: 1, pages: 1 });
    server.set('/plain', { body: rss(item('c', 'Rule C, corrected'), item('d', 'Rule D')) });
    expect(await crawl.crawl('plain')).toEqual({ status: 'fetched', items: 2, new: 1, pages: 1 });
    expect(await waitingItems()).toEqual(['a:Rule A', 'b:Rule B', 'c:Rule C', 'c:Rule C, corrected', 'd:Rule D']);
    const health = await state.get('plain');
    expect(health).toMatchObject({ itemsSeen: 3, errorCount: 0, lastStatus: 'fetched' });
    expect(health.lastSuccessAt).toBeDefined();
  });

  it('records a source’s own failure with a back-off and fails the job for good', async () => {
    const now = Date.now();
    await expect(crawl.crawl('gone', now)).rejects.toThrow(PermanentJobError);
    const gone = await state.get('gone');
    expect(gone).toMatchObject({ errorCount: 1, lastStatus: 'error' });
    expect(gone.lastError).toContain('HTTP 404');
    expect(gone.nextCheckAt).toBeGreaterThanOrEqual(now + 120000);

    server.set('/huge', { body: rss(item('x', 'x'.repeat(5000))) });
    await expect(crawl.crawl('huge')).rejects.toThrow(/larger than 4096 bytes/);
    server.set('/garbage', { body: '<html><body>maintenance</body></html>' });
    await expect(crawl.crawl('garbage')).rejects.toThrow(PermanentJobError);
    expect((await state.get('garbage')).lastError).toContain('not a readable RSS/Atom feed');
  });

  it('retries a transient failure and honours Retry-After', async () => {
    server.set('/busy', { status: 503, headers: { 'retry-after': '3600' }, body: 'busy' });
    const now = Date.now();
    const attempt = crawl.crawl('busy', now);
    await expect(attempt).rejects.toThrow(/HTTP 503/);
    await expect(attempt).rejects.not.toThrow(PermanentJobError);
    expect((await state.get('busy')).nextCheckAt).toBeGreaterThanOrEqual(now + 3600 * 1000);
  });

  it('a schedule tick enqueues each due source once per slot, however many ticks run', async () => {
    const schedule = moduleRef.get(CrawlScheduleService);
    schedule.onApplicationShutdown(); // no timer from here on: ticks are driven by the test
    const before = await crawlQueue.count(); // the boot tick's jobs
    // Every source is due again by then; start of a minute slot so now+2s stays in the same slot.
    const now = Math.floor((Date.now() + 10 * 3600 * 1000) / 60000) * 60000 + 1000;
    expect(await schedule.tick(now)).toBe(6);
    expect(await schedule.tick(now + 1000)).toBe(0);
    // A second crawler instance (no shared memory, same Redis) in the same slot adds nothing.
    await moduleRef.get(SourceStateStore).set('etag', { nextCheckAt: 0, errorCount: 0, itemsSeen: 0 });
    expect(await schedule.tick(now + 2000)).toBe(1);
    const ids = (await crawlQueue.getJobs(['waiting'])).map((j) => j.id);
    expect(ids).toHaveLength(before + 6);
    expect(ids).toContain(`crawl.etag.${Math.floor(now / 60000)}`);
  });
});
