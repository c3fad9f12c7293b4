import BetterSqlite3 from 'better-sqlite3';
import { QueueName } from '@radar/queue';
import { FaultSmtpServer } from './support/fault-smtp';
import { corpusItem, FeedServer } from './support/feeds';
import { FaultRun, printFigures, withDiagnostics } from './support/fault-run';
import { killAllChildren } from './support/processes';
import { QueueWatch } from './support/queues';

/**
 * The index refuses every write for 90 seconds (another process holds SQLite's write lock, as a
 * long maintenance job or a stuck writer would; for Elasticsearch, a cluster that is down) while
 * new items arrive. Ingest, alert and send jobs wait and retry; when the index is back every
 * document is indexed once and every due email sent once, with no step by anyone. (The retry
 * policy before this scenario gave up on an ingest job after about 30 s of failures: its
 * documents were lost, marked seen by the crawler.)
 */

/** How long the index refuses writes. */
const INDEX_OUTAGE_MS = 90_000;
const SOURCES = 2;
/** Items per source before the outage and again during it; every fifth is an alert. */
const ITEMS = 50;

describe('fault: the index refuses writes for 90 seconds', () => {
  const feeds = new FeedServer();
  const smtp = new FaultSmtpServer();
  let run: FaultRun;
  let queues: QueueWatch;
  const paths: string[] = [];

  beforeAll(async () => {
    await smtp.start();
    const { sources, paths: published } = await feeds.publishSources({
      prefix: 'bureau',
      count: SOURCES,
      items: ITEMS,
      firstHost: 70,
      intervalSeconds: 1,
    });
    paths.push(...published);
    run = new FaultRun(sources, { SMTP_URL: smtp.url });
    queues = new QueueWatch(run.redisUrl, run.prefix);
    await run.subscribe([{ id: 'sub-all', email: 'all@example.org', query: '' }]);
  });

  afterAll(async () => {
    await killAllChildren();
    await queues?.close();
    await run?.cleanup();
    await smtp.close();
    await feeds.stop();
  });

  it(`delays documents, alerts and emails during the outage and loses none`, async () => {
    await withDiagnostics(run, async () => {
      run.start('crawler', 'classifier', 'notifier');
      const before = SOURCES * ITEMS;
      await run.until(
        () => run.index.count(),
        (n) => n >= before,
        { timeoutMs: 120_000, what: `the ${before} documents published before the outage` },
      );
      await run.until(
        () => smtp.received.length,
        (n) => n >= before / 5,
        { timeoutMs: 120_000, what: `the ${before / 5} emails due before the outage` },
      );

      const lock = new BetterSqlite3(run.sqliteFile);
      lock.pragma('busy_timeout = 30000');
      lock.exec('BEGIN IMMEDIATE'); // holds the write lock: every other writer gets SQLITE_BUSY
      const downAt = Date.now();
      for (const path of paths) {
        const sourceId = path.slice(1, -'.xml'.length);
        feeds.publish(
          path,
          Array.from({ length: 2 * ITEMS }, (_, n) => corpusItem(sourceId, n)),
        );
      }
      const retrying = await run.until(
        async () => (await queues.counts())[QueueName.Ingest].delayed,
        (n) => n >= 1,
        { timeoutMs: INDEX_OUTAGE_MS, what: 'refused ingest writes to be waiting for a retry' },
      );
      await run.until(
        () => Date.now() - downAt,
        (ms) => ms >= INDEX_OUTAGE_MS,
        { timeoutMs: INDEX_OUTAGE_MS + 5_000, what: 'the outage to last' },
      );
      expect(run.index.count()).toBe(before);
      lock.exec('ROLLBACK');
      lock.close();
      const upAt = Date.now();

      const all = 2 * before;
      await run.until(
        () => run.index.count(),
        (n) => n >= all,
        { timeoutMs: 420_000, what: `all ${all} documents indexed` },
      );
      const allIndexedMs = Date.now() - upAt;
      const expected = () => new Set(run.index.alerts().map((a) => `alert.sub-all.${a.id}@policy-radar`));
      await run.until(
        () => expected(),
        (ids) => ids.size >= all / 5,
        { timeoutMs: 420_000, what: `all ${all / 5} alerts` },
      );
      await run.until(
        () => smtp.counts(),
        (received) => [...expected()].every((id) => received.has(id)),
        { timeoutMs: 420_000, what: 'every due email received' },
      );
      const lastEmailMs = Math.max(...smtp.received.map((m) => m.receivedAt)) - upAt;
      await run.until(() => queues.drained(), Boolean, { timeoutMs: 120_000, what: 'every queue drained' });

      const documents = run.index.documents();
      const ids = new Set(documents.map((d) => d.id));
      const received = smtp.counts();
      const expectedMail = expected();
      const lostEmails = [...expectedMail].filter((id) => !received.has(id));
      const duplicatedEmails = [...received].filter(([, n]) => n > 1);
      const failedJobs = await queues.failed();
      printFigures(`index refusing writes for ${INDEX_OUTAGE_MS / 1000} s`, {
        documents: documents.length,
        documentsDuringOutage: documents.length - before,
        ingestJobsWaitingForRetry: retrying,
        duplicatedDocuments: documents.length - ids.size,
        emailsDue: expectedMail.size,
        lostEmails: lostEmails.length,
        duplicatedEmails: duplicatedEmails.length,
        failedJobs: failedJobs.length,
        outageMs: upAt - downAt,
        allIndexedAfterIndexBackMs: allIndexedMs,
        lastEmailAfterIndexBackMs: lastEmailMs,
      });

      expect(documents).toHaveLength(all);
      expect(ids.size).toBe(all);
      expect(documents.every((d) => d.version === 1)).toBe(true);
      expect(expectedMail.size).toBe(all / 5);
      expect(lostEmails).toEqual([]);
      expect(duplicatedEmails).toEqual([]);
      expect(failedJobs).toEqual([]);
    });
  }, 900_000);
});
