import { QueueName } from '@radar/queue';
import { FaultSmtpServer } from './support/fault-smtp';
import { corpusItem, FeedServer } from './support/feeds';
import { FaultRun, printFigures, withDiagnostics } from './support/fault-run';
import { killAllChildren } from './support/processes';
import { QueueWatch } from './support/queues';

/**
 * The SMTP server goes down (connections refused, open ones dropped) while alerts are due, and
 * comes back on the same port. Mail is delayed, not lost: every email due during the outage
 * arrives after it, exactly once, through the send job's retries (no step by anyone).
 */

/** How long the SMTP server is down. */
const SMTP_OUTAGE_MS = 60_000;
const SOURCES = 2;
/** Items per source before the outage and again during it; every fifth is an alert. */
const ITEMS = 50;

describe('fault: SMTP down for a minute', () => {
  const feeds = new FeedServer();
  const smtp = new FaultSmtpServer();
  let run: FaultRun;
  let queues: QueueWatch;
  const paths: string[] = [];

  beforeAll(async () => {
    await smtp.start();
    const { sources, paths: published } = await feeds.publishSources({
      prefix: 'office',
      count: SOURCES,
      items: ITEMS,
      firstHost: 50,
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

  it(`delays mail during a ${SMTP_OUTAGE_MS / 1000} s outage and loses none`, async () => {
    await withDiagnostics(run, async () => {
      const expected = () => new Set(run.index.alerts().map((a) => `alert.sub-all.${a.id}@policy-radar`));
      run.start('crawler', 'classifier', 'notifier');
      const before = (SOURCES * ITEMS) / 5;
      await run.until(
        () => smtp.received.length,
        (n) => n >= before,
        { timeoutMs: 120_000, what: `the ${before} emails due before the outage` },
      );

      await smtp.stop();
      const downAt = Date.now();
      const sentBefore = smtp.received.length;
      for (const path of paths) {
        const sourceId = path.slice(1, -'.xml'.length);
        feeds.publish(
          path,
          Array.from({ length: ITEMS }, (_, n) => corpusItem(sourceId, ITEMS + n)),
        );
      }
      // The new alerts are decided and their sends tried (and refused) while the server is down.
      const due = await run.until(
        () => expected(),
        (ids) => ids.size >= 2 * before,
        { timeoutMs: SMTP_OUTAGE_MS, what: 'the alerts due during the outage' },
      );
      const retrying = await run.until(
        async () => (await queues.counts())[QueueName.Email].delayed,
        (n) => n >= before,
        { timeoutMs: SMTP_OUTAGE_MS, what: 'the refused sends to be waiting for a retry' },
      );
      await run.until(
        () => Date.now() - downAt,
        (ms) => ms >= SMTP_OUTAGE_MS,
        { timeoutMs: SMTP_OUTAGE_MS + 5_000, what: 'the outage to last' },
      );
      expect(smtp.received.length).toBe(sentBefore);

      await smtp.start();
      const upAt = Date.now();
      await run.until(
        () => smtp.counts(),
        (received) => [...due].every((id) => received.has(id)),
        { timeoutMs: 300_000, what: `all ${due.size} due emails received` },
      );
      const lastArrivalMs = Math.max(...smtp.received.map((m) => m.receivedAt)) - upAt;
      await run.until(() => queues.drained(), Boolean, { timeoutMs: 120_000, what: 'every queue drained' });

      const received = smtp.counts();
      const expectedMail = expected();
      const lostEmails = [...expectedMail].filter((id) => !received.has(id));
      const duplicatedEmails = [...received].filter(([, n]) => n > 1);
      const failedJobs = await queues.failed();
      printFigures(`SMTP down for ${SMTP_OUTAGE_MS / 1000} s`, {
        emailsDue: expectedMail.size,
        dueDuringOutage: expectedMail.size - sentBefore,
        waitingForRetryDuringOutage: retrying,
        lostEmails: lostEmails.length,
        duplicatedEmails: duplicatedEmails.length,
        failedJobs: failedJobs.length,
        outageMs: upAt - downAt,
        lastEmailAfterSmtpBackMs: lastArrivalMs,
      });

      expect(expectedMail.size).toBe(2 * before);
      expect(lostEmails).toEqual([]);
      expect(duplicatedEmails).toEqual([]);
      expect(failedJobs).toEqual([]);
    });
  }, 600_000);
});
