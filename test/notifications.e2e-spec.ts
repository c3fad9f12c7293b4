import type { Alert, RadarDocument, Subscription } from '@radar/core';
import { JobName, JobQueue, QueueName } from '@radar/queue';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { SearchIndex } from '@radar/search';
import { createTestEnv, pollUntil, TestEnv, TestSmtpServer } from '@radar/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { AlertService } from '../apps/notifier/src/alert.service';
import { DeliveryService } from '../apps/notifier/src/delivery.service';
import { DigestScheduleService } from '../apps/notifier/src/digest-schedule.service';
import { NotifierModule } from '../apps/notifier/src/notifier.module';

/**
 * Instant batching and digests through real parts: the notifier booted on real Redis (own
 * prefix) and SQLite, mail through a real SMTP server. Digest time comes from the tick's clock
 * argument, never from waiting.
 */

const WINDOW_SECONDS = 2;

function doc(
  id: string,
  title: string,
  sector: string,
  area: string,
  priority: RadarDocument['priority'],
): RadarDocument {
  return {
    id,
    version: 1,
    contentHash: `h-${id}`,
    sourceId: 'fr',
    sourceName: 'Federal Register',
    url: `https://example.gov/${id}`,
    title,
    summary: `${title}.`,
    body: '',
    publishedAt: '2026-11-23T09:00:00.000Z',
    fetchedAt: '2026-11-23T09:05:00.000Z',
    indexedAt: '2026-11-23T09:05:01.000Z',
    subSectors: [{ id: sector, score: 0.9, evidence: [] }],
    focusAreas: [area],
    advocacyGoals: [],
    docType: 'rule',
    policyEvents: [],
    policyAction: true,
    agencies: [],
    priority,
    priorityReason: 'Final rule',
  };
}

function subscription(id: string, prefs: Partial<Subscription>): Subscription {
  return {
    id,
    email: `${id}@example.org`,
    query: '',
    status: 'confirmed',
    confirmToken: `confirm-${id}-0123456789abcdef`,
    unsubscribeToken: `unsub-${id}-0123456789abcdef`,
    createdAt: '2026-11-01T00:00:00.000Z',
    confirmedAt: '2026-11-01T00:00:00.000Z',
    ...prefs,
  };
}

describe('notifications: instant batches and digests, end to end', () => {
  let env: TestEnv;
  let smtp: TestSmtpServer;
  let radar: RunningRadar;
  let index: SearchIndex;
  let queue: JobQueue;

  const drained = async () => Object.values(await queue.depths()).every((n) => n === 0);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    env = createTestEnv({ SMTP_URL: smtp.url, INSTANT_BATCH_SECONDS: String(WINDOW_SECONDS), DIGEST_HOUR: '7' });
    radar = await bootRadar({
      name: 'e2e-notifications',
      roles: [NotifierModule],
      http: false,
      config: env.config,
      logLevels: ['error'],
    });
    index = radar.app.get(SearchIndex);
    queue = radar.app.get(JobQueue);
  });

  afterAll(async () => {
    await radar?.close();
    await env?.cleanup();
    await smtp?.stop();
  });

  it('two alerts within the window arrive as one email; a later version of either sends nothing more', async () => {
    const sub = subscription('batcher', { query: 'sector:nuclear-energy' });
    await index.saveSubscription(sub);
    const docs = [
      doc('batch-1', 'NRC final rule on reactor licensing', 'nuclear-energy', 'energy-independence-resilience', 'high'),
      doc('batch-2', 'DOE notice on <fuel> supply', 'nuclear-energy', 'energy-independence-resilience', 'medium'),
    ];
    for (const d of docs) await index.upsertDocument(d);
    // Start just after a window boundary, so both alerts surely fall in the same window.
    const windowMs = WINDOW_SECONDS * 1000;
    await pollUntil(
      () => Date.now() % windowMs,
      (ms) => ms < 300,
      { intervalMs: 10, timeoutMs: windowMs + 1000, what: 'a window boundary' },
    );
    await queue.enqueueMany(
      JobName.MatchDocument,
      docs.map((d) => ({ documentId: d.id, version: 1 })),
    );
    const [mail] = await pollUntil(
      () => smtp.to(sub.email),
      (m) => m.length > 0,
      { what: 'the batch email', timeoutMs: 20000 },
    );
    expect(mail!.subject).toBe('[Policy Radar] HIGH: 2 new alerts: NRC final rule on reactor licensing');
    expect(mail!.text).toContain('NRC final rule on reactor licensing');
    expect(mail!.text).toContain('DOE notice on <fuel> supply');
    expect(mail!.html).toContain('DOE notice on &lt;fuel&gt; supply');
    expect(mail!.messageId).toMatch(/^<batch\.batcher\.\d+@policy-radar>$/);

    // A new version of one document is matched again: already emailed in a batch, not again.
    const changed = { ...docs[0]!, version: 2, contentHash: 'h-batch-1-v2', title: `${docs[0]!.title} (corrected)` };
    await index.upsertDocument(changed);
    await queue.enqueue(JobName.MatchDocument, { documentId: changed.id, version: 2 });
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    // The re-match added nothing and opened no new window: still the one flush.
    const flushes = await radar.app.get<Queue>(getQueueToken(QueueName.Match)).getJobs(['completed']);
    expect(flushes.filter((j) => j.name === JobName.FlushBatch)).toHaveLength(1);
    expect(smtp.to(sub.email)).toHaveLength(1);

    // A duplicate flush (same id) or a retried one sends nothing twice.
    const windowStart = Number(/batch\.batcher\.(\d+)@/.exec(mail!.messageId!)![1]);
    await queue.enqueue(JobName.FlushBatch, { subscriptionId: sub.id, windowStart, notBefore: windowStart + windowMs });
    expect(
      await radar.app.get(AlertService).flushBatch({ subscriptionId: sub.id, windowStart, notBefore: windowStart }),
    ).toEqual({ status: 'skipped', reason: 'already delivered' });
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect(smtp.to(sub.email)).toHaveLength(1);
  });

  it('sends a daily digest at its hour in the subscriber time zone, once, grouped and capped', async () => {
    const sub = subscription('daily-ny', { frequency: 'daily', timeZone: 'America/New_York', minPriority: 'medium' });
    const other = subscription('weekly-paris', { frequency: 'weekly', timeZone: 'Europe/Paris' });
    await index.saveSubscription(sub);
    await index.saveSubscription(other);
    // The period of 2026-11-24 in New York: [2026-11-23 07:00 EST, 2026-11-24 07:00 EST) = 12:00Z to 12:00Z.
    const alerts: [RadarDocument, string][] = [];
    for (let i = 1; i <= 12; i++) {
      const minute = String(i).padStart(2, '0');
      alerts.push([
        doc(`grid-${i}`, `Grid rule ${i}`, 'grid-resilience', 'energy-independence-resilience', 'medium'),
        `2026-11-23T18:${minute}:00.000Z`,
      ]);
    }
    alerts.push([
      doc('drone-1', 'Drone export rule', 'unmanned-systems', 'defense-aerospace', 'high'),
      '2026-11-24T03:00:00.000Z',
    ]);
    alerts.push([
      doc('low-1', 'Minor grid notice', 'grid-resilience', 'energy-independence-resilience', 'low'),
      '2026-11-23T20:00:00.000Z',
    ]);
    alerts.push([
      doc('early-1', 'Too early rule', 'solar', 'energy-independence-resilience', 'high'),
      '2026-11-23T11:59:00.000Z',
    ]);
    alerts.push([
      doc('late-1', 'Too late rule', 'solar', 'energy-independence-resilience', 'high'),
      '2026-11-24T12:00:00.000Z',
    ]);
    for (const [d, createdAt] of alerts) {
      await index.upsertDocument(d);
      const alert: Alert = {
        id: d.id,
        documentId: d.id,
        documentVersion: 1,
        title: d.title,
        url: d.url,
        sourceIds: [d.sourceId],
        docType: d.docType,
        subSectors: d.subSectors.map((s) => s.id),
        focusAreas: d.focusAreas,
        advocacyGoals: [],
        policyEvents: [],
        priority: d.priority === 'none' ? 'low' : d.priority,
        reason: d.priorityReason,
        publishedAt: d.publishedAt,
        createdAt,
        updatedAt: createdAt,
        state: 'new',
      };
      await index.upsertAlert(alert);
    }

    const schedule = radar.app.get(DigestScheduleService);
    // 06:59 in New York (and a Tuesday in Paris, past Monday's weekly digest of an empty week).
    expect((await schedule.due(new Date('2026-11-24T11:59:00Z'))).map((d) => d.subscriptionId)).toEqual([
      'weekly-paris',
    ]);
    const at = new Date('2026-11-24T12:00:30Z'); // 07:00 in New York
    expect(await schedule.tick(at)).toBe(2);
    expect(await schedule.tick(new Date('2026-11-24T12:01:30Z'))).toBe(2); // the next minute's tick: same jobs
    const [digest] = await pollUntil(
      () => smtp.to(sub.email),
      (m) => m.length > 0,
      { what: 'the daily digest', timeoutMs: 20000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(smtp.to(sub.email)).toHaveLength(1);
    expect(smtp.to(other.email)).toHaveLength(0); // the weekly period was empty: nothing sent
    expect(digest!.messageId).toBe('<digest.daily-ny.2026-11-24@policy-radar>');
    expect(digest!.subject).toBe('[Policy Radar] Daily digest 2026-11-24: 13 alerts');
    const text = digest!.text ?? '';
    expect(text.indexOf('Defense and Aerospace (1)')).toBeGreaterThan(-1);
    expect(text.indexOf('Energy Independence and Resilience (12)')).toBeGreaterThan(
      text.indexOf('Defense and Aerospace'),
    );
    expect(text).toContain('and 2 more');
    expect(text).toContain('Grid rule 12'); // newest first within the same priority
    expect(text).not.toContain('Grid rule 1\n');
    for (const absent of ['Minor grid notice', 'Too early rule', 'Too late rule']) expect(text).not.toContain(absent);

    // A retry after the transport accepted (the job ran again, or the same delivery enqueued again): nothing more.
    const delivery = radar.app.get(DeliveryService);
    expect(
      await delivery.deliver({
        deliveryId: 'digest.daily-ny.2026-11-24',
        subscriptionId: sub.id,
        message: { to: sub.email, subject: digest!.subject!, text, html: '' },
      }),
    ).toEqual({ status: 'skipped', reason: 'already delivered' });
    expect(await schedule.tick(new Date('2026-11-24T23:00:00Z'))).toBe(2);
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect(smtp.to(sub.email)).toHaveLength(1);
  });
});
