import { getQueueToken } from '@nestjs/bullmq';
import { Test, TestingModule } from '@nestjs/testing';
import { ConfigModule, RadarConfig } from '@radar/config';
import { documentId, RadarDocument, RawItem } from '@radar/core';
import { MetricsModule } from '@radar/metrics';
import { JOBS, JobName, QueueModule, QueueName } from '@radar/queue';
import { BulkUpsertItem, SearchIndex, SqliteSearchIndex, sqliteFile, UpsertOptions } from '@radar/search';
import { createTestEnv, TestEnv } from '@radar/testing';
import type { Queue } from 'bullmq';
import { ClassifierPool } from './classifier-pool';
import { IngestService } from './ingest.service';

/** The real SQLite index, except that documents whose title contains POISON fail to be written. */
class PoisonableIndex extends SqliteSearchIndex {
  poisoned = true;

  override async upsertDocuments(docs: readonly RadarDocument[], options?: UpsertOptions): Promise<BulkUpsertItem[]> {
    const bad = (d: RadarDocument) => this.poisoned && d.title.includes('POISON');
    const written = await super.upsertDocuments(
      docs.filter((d) => !bad(d)),
      options,
    );
    let k = 0;
    return docs.map((d) => (bad(d) ? { id: d.id, outcome: 'failed', error: 'disk says no' } : written[k++]));
  }
}

const RULE =
  'The Nuclear Regulatory Commission published a final rule in the Federal Register that modernizes the licensing framework for advanced nuclear reactors. The rule takes effect on January 15, 2027.';
const item = (guid: string, title: string, body = RULE): RawItem => ({
  sourceId: 'nrc-news',
  guid,
  url: `https://www.nrc.gov/news/${guid}`,
  title,
  summary: '',
  body,
  publishedAt: '2026-11-20T12:00:00.000Z',
  fetchedAt: '2026-11-24T09:00:00.000Z',
});

describe('IngestService batches (real SQLite, real Redis)', () => {
  let env: TestEnv;
  let moduleRef: TestingModule;
  let ingest: IngestService;
  let index: PoisonableIndex;
  let match: Queue;
  let ingestQueue: Queue;

  const matchIds = async () => (await match.getJobs(['waiting', 'delayed', 'active'])).map((j) => j.id).sort();

  beforeAll(async () => {
    env = createTestEnv();
    moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(env.config), MetricsModule, QueueModule],
      providers: [
        IngestService,
        { provide: ClassifierPool, useValue: new ClassifierPool({ threads: 0 }) },
        {
          provide: SearchIndex,
          inject: [RadarConfig],
          useFactory: async (config: RadarConfig) => {
            const sqlite = new PoisonableIndex({ file: sqliteFile(config) });
            await sqlite.init();
            return sqlite;
          },
        },
      ],
    }).compile();
    await moduleRef.init();
    ingest = moduleRef.get(IngestService);
    index = moduleRef.get(SearchIndex);
    match = moduleRef.get(getQueueToken(QueueName.Match));
    ingestQueue = moduleRef.get(getQueueToken(QueueName.Ingest));
  });

  afterAll(async () => {
    await index?.close();
    await moduleRef?.close();
    await env?.cleanup();
  });

  afterEach(async () => {
    index.poisoned = true;
    await match.drain(true);
    await ingestQueue.drain(true);
  });

  it('stores a batch, hands every alert-worthy document to the notifier, and a retry writes nothing', async () => {
    const items = [
      item('rule-1', 'NRC issues final rule on advanced reactor licensing'),
      item('rule-2', 'NRC issues final rule on reactor security', `${RULE} It covers physical security.`),
      item('bakery', 'Town bakery celebrates fifty years', 'A family bakery marked its anniversary with bread.'),
    ];
    expect(await ingest.ingestBatch(items, 'NRC news')).toEqual({
      items: 3,
      created: 3,
      updated: 0,
      unchanged: 0,
      deferred: 0,
    });
    const ids = items.map((i) => documentId(i.sourceId, i.guid));
    expect(await index.count()).toBe(3);
    expect((await index.getDocument(ids[0]))?.subSectors.map((s) => s.id)).toContain('nuclear-energy');
    expect(await matchIds()).toEqual([`match.${ids[0]}.v1`, `match.${ids[1]}.v1`].sort());

    // The same batch again (a retry after a crash, or a crawl after a Redis flush): nothing is
    // written, no version is added, and the notifier is asked again under the same job ids.
    await match.drain(true);
    expect(await ingest.ingestBatch(items, 'NRC news')).toMatchObject({ created: 0, unchanged: 3, deferred: 0 });
    expect(await index.count()).toBe(3);
    expect((await index.getDocument(ids[0]))?.version).toBe(1);
    expect(await index.listDocumentVersions(ids[0])).toHaveLength(1);
    expect(await matchIds()).toEqual([`match.${ids[0]}.v1`, `match.${ids[1]}.v1`].sort());
  });

  it('isolates a failed item: the rest of the batch is stored, the item becomes its own job, which succeeds later', async () => {
    const items = [
      item('ok-1', 'NRC issues final rule on fuel cycle facilities'),
      item('poison', 'POISON: NRC issues final rule on decommissioning'),
      item('ok-2', 'NRC issues final rule on emergency planning zones'),
    ];
    expect(await ingest.ingestBatch(items, 'NRC news')).toMatchObject({ created: 2, deferred: 1 });
    const [ok1, poison, ok2] = items.map((i) => documentId(i.sourceId, i.guid));
    expect(await index.getDocument(ok1)).not.toBeNull();
    expect(await index.getDocument(ok2)).not.toBeNull();
    expect(await index.getDocument(poison)).toBeNull();
    expect(await matchIds()).toEqual([`match.${ok1}.v1`, `match.${ok2}.v1`].sort());

    // Handed on as an ordinary single-item job, under its deterministic id.
    const jobs = await ingestQueue.getJobs(['waiting']);
    expect(jobs.map((j) => [j.name, j.id])).toEqual([
      [JobName.IngestItem, JOBS[JobName.IngestItem].jobId({ item: items[1], sourceName: 'NRC news' })],
    ]);
    // While the failure lasts, the single job throws (so BullMQ retries it with back-off).
    await expect(ingest.ingest(jobs[0].data.item, jobs[0].data.sourceName)).rejects.toThrow('disk says no');
    index.poisoned = false;
    expect(await ingest.ingest(jobs[0].data.item, jobs[0].data.sourceName)).toEqual({
      status: 'created',
      documentId: poison,
      version: 1,
    });
    expect(await matchIds()).toContain(`match.${poison}.v1`);
    // The batch retried after all that: every item is already stored.
    expect(await ingest.ingestBatch(items, 'NRC news')).toMatchObject({ unchanged: 3, deferred: 0 });
  });

  it('an item the classifier cannot read is handed on alone; the rest of the batch is stored', async () => {
    const unreadable = { ...item('unreadable', 'NRC notice'), body: 42 as unknown as string };
    const fine = item('fine', 'NRC issues final rule on operator licensing');
    expect(await ingest.ingestBatch([unreadable, fine], 'NRC news')).toMatchObject({ created: 1, deferred: 1 });
    expect(await index.getDocument(documentId(fine.sourceId, fine.guid))).not.toBeNull();
    expect((await ingestQueue.getJobs(['waiting'])).map((j) => j.data.item.guid)).toEqual(['unreadable']);
    await expect(ingest.ingest(unreadable, 'NRC news')).rejects.toThrow(/classification failed/);
  });

  it('a changed item is a new version with its diff; an item listed twice in one batch is two versions, in order', async () => {
    const first = item('amended', 'NRC proposes rule on spent fuel storage', 'Line one.\nLine two.');
    await ingest.ingestBatch([first], 'NRC news');
    const changed = { ...first, body: 'Line one.\nLine three.' };
    const again = { ...first, body: 'Line one.\nLine four.' };
    expect(await ingest.ingestBatch([changed, again], 'NRC news')).toMatchObject({ updated: 2, deferred: 0 });
    const id = documentId(first.sourceId, first.guid);
    const doc = await index.getDocument(id);
    expect(doc).toMatchObject({ version: 3, body: 'Line one.\nLine four.', diff: { added: ['Line four.'] } });
    const versions = await index.listDocumentVersions(id);
    expect(versions.map((v) => [v.version, v.body])).toEqual([
      [3, 'Line one.\nLine four.'],
      [2, 'Line one.\nLine three.'],
      [1, 'Line one.\nLine two.'],
    ]);
    expect(versions[1].diff).toEqual({ added: ['Line three.'], removed: ['Line two.'] });
  });
});
