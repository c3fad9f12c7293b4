import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentId } from '@radar/core';
import { freePort } from '@radar/testing';
import { FaultSmtpServer } from './support/fault-smtp';
import { corpusItem, FeedServer } from './support/feeds';
import { FaultRun, printFigures, withDiagnostics } from './support/fault-run';
import { IndexReader } from './support/index-reader';
import { killAllChildren, PrivateRedis } from './support/processes';
import { QueueWatch } from './support/queues';

/**
 * Redis crashes (kill -9) in the middle of a run and comes back on the same port: from its
 * append-only file, as a supervised production Redis would, and, harder, with its data gone (a
 * lost volume). The crawler, classifier and notifier must carry on by themselves (no restart, no
 * manual step), and after the next crawl every published item must be indexed exactly once and
 * every due email sent exactly once: Redis holds only rebuildable state; the index decides.
 *
 * This Redis is a private redis-server on a port of its own: the machine's Redis, which other
 * tests and engineers use, is never restarted or flushed.
 */

const SOURCES = 6;
const ITEMS_PER_SOURCE = 300;
/** Items each source publishes after Redis is back (found by the next crawl). */
const LATER_ITEMS = 50;
/** Documents indexed when Redis is killed. */
const KILL_AT = 600;
/** How long Redis stays down. */
const REDIS_DOWN_MS = 5_000;

function redisRestart(dataKept: boolean): void {
  const feeds = new FeedServer();
  const smtp = new FaultSmtpServer();
  let redisDir = '';
  const kind = dataKept ? 'restarts from its append-only file' : 'restarts with its data lost';
  let redis: PrivateRedis;
  let run: FaultRun;
  let queues: QueueWatch;
  const paths: string[] = [];

  beforeAll(async () => {
    redisDir = mkdtempSync(join(tmpdir(), 'radar-fault-redis-'));
    redis = new PrivateRedis(await freePort(), redisDir);
    await redis.start();
    await smtp.start();
    const { sources, paths: published } = await feeds.publishSources({
      prefix: 'bureau',
      count: SOURCES,
      items: ITEMS_PER_SOURCE,
      firstHost: 40,
      intervalSeconds: 2,
    });
    paths.push(...published);
    run = new FaultRun(sources, { SMTP_URL: smtp.url }, redis.url);
    queues = new QueueWatch(run.redisUrl, run.prefix);
    await run.subscribe([{ id: 'sub-all', email: 'all@example.org', query: '' }]);
  });

  afterAll(async () => {
    await killAllChildren();
    await queues?.close();
    await run?.cleanup();
    if (redisDir) rmSync(redisDir, { recursive: true, force: true });
    await smtp.close();
    await feeds.stop();
  });

  it(`Redis ${kind}: recovery with no manual step; after the next crawl no item missing or doubled`, async () => {
    await withDiagnostics(run, async () => {
      run.start('crawler', 'classifier', 'notifier');
      await run.until(
        () => run.index.count(),
        (n) => n >= KILL_AT,
        { timeoutMs: 120_000, what: `${KILL_AT} documents indexed` },
      );

      const downAt = Date.now();
      await redis.kill9();
      const atKill = run.index.count();
      // Down for a while: the roles keep running (a crash here fails the test at once).
      await run.until(
        () => Date.now() - downAt,
        (ms) => ms >= REDIS_DOWN_MS,
        { timeoutMs: REDIS_DOWN_MS + 5_000, what: 'the outage to last' },
      );
      const duringOutage = run.index.count() - atKill;
      if (!dataKept) redis.wipe();
      await redis.start();
      const upAt = Date.now();
      const atRestart = run.index.count();
      await run.until(
        () => run.index.count(),
        (n) => n > atRestart || n >= SOURCES * ITEMS_PER_SOURCE,
        { timeoutMs: 120_000, what: 'indexing to resume after Redis is back' },
      );
      const recoveryMs = Date.now() - upAt;

      // Items published after the restart: only a crawl made after it can find them.
      for (const path of paths) {
        const sourceId = path.slice(1, -'.xml'.length);
        feeds.publish(
          path,
          Array.from({ length: LATER_ITEMS }, (_, n) => corpusItem(sourceId, ITEMS_PER_SOURCE + n)),
        );
      }
      const published = new Set(
        paths.flatMap((path) => feeds.items(path).map((item) => documentId(path.slice(1, -'.xml'.length), item.guid))),
      );
      await run.until(
        () => run.index.count(),
        (n) => n >= published.size,
        { timeoutMs: 240_000, what: `all ${published.size} published items indexed` },
      );
      const allIndexedAfterRestartMs = Date.now() - upAt;
      await run.until(() => queues.drained(), Boolean, { timeoutMs: 180_000, what: 'every queue drained' });

      const documents = run.index.documents();
      const indexed = new Set(documents.map((d) => d.id));
      const lostDocuments = [...published].filter((id) => !indexed.has(id));
      const titles = new Map<string, number>();
      for (const d of documents) titles.set(d.title, (titles.get(d.title) ?? 0) + 1);
      const duplicatedDocuments = [...titles.values()].reduce((sum, n) => sum + n - 1, 0);
      const alerts = run.index.alerts();
      const expectedMail = new Set(alerts.map((a) => `alert.sub-all.${a.id}@policy-radar`));
      const received = smtp.counts();
      const lostEmails = [...expectedMail].filter((id) => !received.has(id));
      const duplicatedEmails = [...received].filter(([, n]) => n > 1);
      const failedJobs = await queues.failed();
      run.assertAlive();
      const restarts = [...run.roles.values()].reduce((sum, r) => sum + r.starts - 1, 0);

      await killAllChildren();
      const health = IndexReader.check(run.sqliteFile);

      printFigures(`Redis kill -9 mid-run, ${kind}`, {
        published: published.size,
        documents: documents.length,
        lostDocuments: lostDocuments.length,
        duplicatedDocuments,
        emailsDue: expectedMail.size,
        lostEmails: lostEmails.length,
        duplicatedEmails: duplicatedEmails.length,
        failedJobs: failedJobs.length,
        redisDownMs: upAt - downAt,
        indexedDuringOutage: duringOutage,
        recoveryMs,
        allIndexedAfterRestartMs,
        roleRestarts: restarts,
        integrity: health.integrity,
      });

      expect(restarts).toBe(0);
      expect(lostDocuments).toEqual([]);
      expect(documents).toHaveLength(published.size);
      expect(duplicatedDocuments).toBe(0);
      expect(alerts).toHaveLength(published.size / 5);
      expect(lostEmails).toEqual([]);
      expect(duplicatedEmails).toEqual([]);
      expect(failedJobs).toEqual([]);
      expect(health).toMatchObject({ integrity: 'ok', fts: 'ok', partial: [], orphans: 0 });
    });
  }, 600_000);
}

describe('fault: Redis crashes mid-run', () => {
  describe('append-only file kept', () => redisRestart(true));
  describe('data lost', () => redisRestart(false));
});
