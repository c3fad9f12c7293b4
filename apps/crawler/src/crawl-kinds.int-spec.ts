import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule } from '@radar/config';
import { MetricsModule } from '@radar/metrics';
import { classify } from '@radar/classify';
import { contentHash, documentId, RadarDocument, RawItem } from '@radar/core';
import { INGEST_BATCH_MAX_ITEMS, JobName, QueueModule, QueueName } from '@radar/queue';
import { SearchIndex, SearchModule } from '@radar/search';
import { SourceRegistry, SourcesModule } from '@radar/sources';
import { createTestEnv, FixtureHttpServer, TestEnv } from '@radar/testing';
import type { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { ArticleService } from './article.service';
import { CrawlService } from './crawl.service';
import { HttpFetcher } from './http-fetcher.adapter';

/** Source kinds beyond RSS, through the real crawl path: loopback HTTP, real Redis and SQLite. */

const frPage = (numbers: string[], next?: string) =>
  JSON.stringify({
    count: 3,
    next_page_url: next,
    results: numbers.map((n) => ({
      document_number: n,
      title: `Export Administration Regulations: advanced computing items ${n}`,
      type: 'Rule',
      abstract: 'The Bureau of Industry and Security amends the Export Administration Regulations.',
      html_url: `https://www.federalregister.gov/documents/2026/11/20/${n}/x`,
      publication_date: '2026-11-20',
      agencies: [{ name: 'Industry and Security Bureau' }],
      citation: '91 FR 81234',
    })),
  });

const page = (banner: string, rows: string[]) =>
  `<html><body><header>Site menu</header><main><p class="updated">Last updated ${banner}</p>
   <h1>Critical minerals program</h1><ul>${rows.map((r) => `<li>${r}</li>`).join('')}</ul></main></body></html>`;

describe('crawling every source kind (loopback HTTP, real Redis and SQLite)', () => {
  let env: TestEnv;
  let server: FixtureHttpServer;
  let moduleRef: TestingModule;
  let crawl: CrawlService;
  let index: SearchIndex;
  let ingest: Queue;
  let crawlQueue: Queue;

  /** Stores a raw item as the classifier would (the classifier role is not part of this module). */
  const store = async (item: RawItem, version = 1) => {
    const doc: RadarDocument = {
      id: documentId(item.sourceId, item.guid),
      version,
      contentHash: contentHash(item),
      sourceId: item.sourceId,
      sourceName: item.sourceId,
      url: item.url,
      title: item.title,
      summary: item.summary,
      body: item.body,
      publishedAt: item.publishedAt ?? item.fetchedAt,
      fetchedAt: item.fetchedAt,
      indexedAt: item.fetchedAt,
      ...classify({ title: item.title, body: item.body }),
    };
    await index.upsertDocument(doc);
  };
  const drainIngest = async (): Promise<RawItem[]> => {
    const jobs = await ingest.getJobs(['waiting']);
    await ingest.drain();
    return jobs.flatMap((j) => (j.name === JobName.IngestBatch ? j.data.items : [j.data.item]) as RawItem[]);
  };

  beforeAll(async () => {
    server = await new FixtureHttpServer().start();
    env = createTestEnv((dataDir) => {
      const file = join(dataDir, 'sources.yaml');
      const common = `intervalSeconds: 60, allowPrivateNetwork: true`;
      writeFileSync(
        file,
        [
          'sources:',
          `  - {id: fr-bis, name: FR BIS, kind: federal-register, url: "${server.url}/fr/1", maxPages: 2, ${common}}`,
          `  - {id: minerals-page, name: Minerals page, kind: page-watch, url: "${server.url}/page", ${common},`,
          `     pageWatch: {exclude: [".updated"], reorderInsensitive: true}}`,
          `  - {id: summaries, name: Summaries, kind: rss, url: "${server.url}/summaries.xml", fetchFullText: true, ${common}}`,
          `  - {id: bills, name: Bills, kind: congress, url: "${server.url}/bills", requiresApiKey: true, ${common}}`,
          `  - {id: many, name: Many, kind: rss, url: "${server.url}/many.xml", ${common}}`,
        ].join('\n'),
      );
      return { SOURCES_FILE: file };
    });
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(env.config), MetricsModule, QueueModule, SourcesModule, SearchModule],
      providers: [CrawlService, ArticleService, HttpFetcher],
    }).compile();
    await moduleRef.init();
    crawl = moduleRef.get(CrawlService);
    index = moduleRef.get(SearchIndex);
    ingest = moduleRef.get(getQueueToken(QueueName.Ingest));
    crawlQueue = moduleRef.get(getQueueToken(QueueName.Crawl));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.cleanup();
    await server?.stop();
  });

  it('follows Federal Register API pages up to maxPages and keeps the source’s type, agency and numbers', async () => {
    server.set('/fr/1', { body: frPage(['2026-20001', '2026-20002'], `${server.url}/fr/2`) });
    server.set('/fr/2', { body: frPage(['2026-20003'], `${server.url}/fr/3`) });
    server.set('/fr/3', { body: frPage(['2026-29999']) });
    expect(await crawl.crawl('fr-bis')).toEqual({ status: 'fetched', items: 3, new: 3, pages: 2 });
    expect(server.hits('/fr/3')).toBe(0);
    const items = await drainIngest();
    expect(items.map((i) => i.guid).sort()).toEqual(['2026-20001', '2026-20002', '2026-20003']);
    expect(items[0]).toMatchObject({ docTypeHint: 'rule', agencies: ['Industry and Security Bureau'] });
    expect(items[0].identifiers?.frDocumentNumbers).toContain(items[0].guid);
  });

  it('versions a watched page on a real change only: a rotating banner and a reordered list are noise', async () => {
    server.set('/page', { body: page('10:32', ['Lithium', 'Cobalt']) });
    expect(await crawl.crawl('minerals-page')).toMatchObject({ status: 'fetched', new: 1 });
    const [first] = await drainIngest();
    expect(first.diff).toBeUndefined();
    expect(first.body).toContain('Lithium');
    expect(first.body).not.toContain('Last updated');
    await store(first);

    server.set('/page', { body: page('11:45', ['Cobalt', 'Lithium']) });
    expect(await crawl.crawl('minerals-page')).toMatchObject({ status: 'fetched', items: 0, new: 0 });

    server.set('/page', { body: page('12:01', ['Cobalt', 'Lithium', 'Gallium (added 2026-11-24)']) });
    expect(await crawl.crawl('minerals-page')).toMatchObject({ status: 'fetched', new: 1 });
    const [change] = await drainIngest();
    expect(change).toMatchObject({ guid: first.guid, docTypeHint: 'page_change' });
    expect(change.diff).toEqual({ added: ['Gallium (added 2026-11-24)'], removed: [] });
    expect(change.summary).toContain('+ Gallium (added 2026-11-24)');
  });

  it('fetches the article for a summary-only item, and keeps the summary when the page is refused', async () => {
    const article = `<html><head><title>Grid rule</title><link rel="canonical" href="${server.url}/news/grid?utm_source=x">
      </head><body><article><h1>Grid rule</h1>${'<p>The commission adopted a final rule on transmission planning for grid resilience. </p>'.repeat(8)}</article></body></html>`;
    server.set('/news/grid?utm_source=rss&utm_medium=feed', {
      headers: { 'content-type': 'text/html' },
      body: article,
    });
    server.set('/robots.txt', {
      headers: { 'content-type': 'text/plain' },
      body: 'User-agent: *\nDisallow: /private/\n',
    });
    server.set('/summaries.xml', {
      body: `<rss version="2.0"><channel><title>s</title>
        <item><guid>g1</guid><title>Grid rule</title><link>${server.url}/news/grid?utm_source=rss&amp;utm_medium=feed</link><description>Short.</description></item>
        <item><guid>g2</guid><title>Hidden</title><link>${server.url}/private/x</link><description>Kept summary.</description></item>
      </channel></rss>`,
    });
    expect(await crawl.crawl('summaries')).toMatchObject({ status: 'fetched', new: 2 });
    expect(await ingest.count()).toBe(0);
    const jobs = (await crawlQueue.getJobs(['waiting'])).filter((j: Job) => j.name === JobName.FetchArticle);
    expect(jobs).toHaveLength(2);
    const articles = moduleRef.get(ArticleService);
    for (const job of jobs) await articles.complete(job.data, false);
    const items = await drainIngest();
    const grid = items.find((i) => i.guid === 'g1')!;
    expect(grid.body).toContain('final rule on transmission planning');
    expect(grid.canonicalUrl).toBe(`${server.url}/news/grid`);
    const hidden = items.find((i) => i.guid === 'g2')!;
    expect(hidden).toMatchObject({ summary: 'Kept summary.', body: '' });
  });

  it('cuts a long feed into ingest batches whose ids follow their items, so a crawl after a Redis flush adds none', async () => {
    const items = Array.from(
      { length: 2 * INGEST_BATCH_MAX_ITEMS + 50 },
      (_, i) =>
        `<item><guid>m${i}</guid><title>Notice ${i}</title><link>${server.url}/m/${i}</link><description>Notice ${i} text.</description></item>`,
    );
    server.set('/many.xml', { body: `<rss version="2.0"><channel><title>m</title>${items.join('')}</channel></rss>` });
    expect(await crawl.crawl('many')).toMatchObject({ status: 'fetched', new: 250 });
    const batches = await ingest.getJobs(['waiting']);
    expect(batches.map((j) => j.data.items.length).sort()).toEqual([100, 100, 50]);
    // Redis forgets the source (seen items, validators): the same items make the same batches.
    const redis = new Redis(env.config.redisUrl);
    await redis.del(`${env.config.queuePrefix}:crawl-seen:many`);
    await redis.hdel(`${env.config.queuePrefix}:crawl-state`, 'many');
    redis.disconnect();
    expect(await crawl.crawl('many')).toMatchObject({ status: 'fetched', new: 250 });
    expect((await ingest.getJobs(['waiting'])).map((j) => j.id).sort()).toEqual(batches.map((j) => j.id).sort());
    expect(await drainIngest()).toHaveLength(250);
  });

  it('disables a source whose API key is missing, with the reason, and never fetches it', async () => {
    expect(moduleRef.get(SourceRegistry).disabledReason('bills')).toBe('needs an API key: set CONGRESS_GOV_API_KEY');
    expect(await crawl.crawl('bills')).toEqual({
      status: 'skipped',
      reason: 'needs an API key: set CONGRESS_GOV_API_KEY',
    });
    expect((await crawl.dueSources(Date.now())).map((s) => s.id)).not.toContain('bills');
    expect(server.hits('/bills')).toBe(0);
  });
});
