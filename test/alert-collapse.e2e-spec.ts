import type { RadarDocument, Subscription } from '@radar/core';
import { JobName, JobQueue } from '@radar/queue';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { SearchIndex } from '@radar/search';
import { createTestEnv, pollUntil, TestEnv, TestSmtpServer } from '@radar/testing';
import { AlertService } from '../apps/notifier/src/alert.service';
import { NotifierModule } from '../apps/notifier/src/notifier.module';

/**
 * Near-duplicate collapse through the notifier booted on real Redis (own prefix), SQLite and a
 * real SMTP server: one event reported by two sources under one canonical URL is one alert
 * listing both sources and one email; a later report (a press release naming the same FR
 * document) joins the alert and sends nothing; a real change of the alert's own document sends
 * one "Changed" email to the subscriber the batch told.
 */

const WINDOW_SECONDS = 2;
const URL_API = 'https://www.federalregister.gov/documents/2026/11/23/2026-24001/export-controls-on-advanced-chips';

function doc(id: string, patch: Partial<RadarDocument>): RadarDocument {
  return {
    id,
    version: 1,
    contentHash: `h-${id}`,
    sourceId: 'fr-api',
    sourceName: 'Federal Register API',
    url: URL_API,
    title: 'Export controls on advanced computing chips',
    summary: 'BIS publishes a rule tightening export controls on advanced computing chips.',
    body: 'The Bureau of Industry and Security amends the Export Administration Regulations.',
    publishedAt: '2026-11-23T09:00:00.000Z',
    fetchedAt: '2026-11-23T09:05:00.000Z',
    indexedAt: '2026-11-23T09:05:01.000Z',
    subSectors: [{ id: 'semiconductors', score: 0.9, evidence: [] }],
    focusAreas: ['frontier-strategic-technologies'],
    advocacyGoals: [],
    docType: 'rule',
    policyEvents: [{ kind: 'effective_date', date: '2026-12-23' }],
    policyAction: true,
    agencies: ['Bureau of Industry and Security'],
    priority: 'high',
    priorityReason: 'Final rule',
    ...patch,
  };
}

const subscription: Subscription = {
  id: 'chips-watcher',
  email: 'chips@example.org',
  query: 'sector:semiconductors',
  status: 'confirmed',
  confirmToken: 'confirm-chips-watcher-0123456789',
  unsubscribeToken: 'unsub-chips-watcher-0123456789',
  createdAt: '2026-11-01T00:00:00.000Z',
  confirmedAt: '2026-11-01T00:00:00.000Z',
};

describe('near-duplicate collapse through the notifier', () => {
  let env: TestEnv;
  let smtp: TestSmtpServer;
  let radar: RunningRadar;
  let index: SearchIndex;
  let queue: JobQueue;

  const drained = async () => Object.values(await queue.depths()).every((n) => n === 0);
  const mails = () => smtp.to(subscription.email);

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    env = createTestEnv({ SMTP_URL: smtp.url, INSTANT_BATCH_SECONDS: String(WINDOW_SECONDS) });
    radar = await bootRadar({
      name: 'e2e-alert-collapse',
      roles: [NotifierModule],
      http: false,
      config: env.config,
      logLevels: ['error'],
    });
    index = radar.app.get(SearchIndex);
    queue = radar.app.get(JobQueue);
    await index.saveSubscription(subscription);
  });

  afterAll(async () => {
    await radar?.close();
    await env?.cleanup();
    await smtp?.stop();
  });

  it('two sources, one canonical URL: one alert listing both, one email; a later duplicate sends nothing', async () => {
    const fromApi = doc('fr-api-2026-24001', {});
    // The same document from the FR's RSS feed: another source, the URL with tracking parameters.
    const fromRss = doc('fr-rss-2026-24001', {
      sourceId: 'fr-rss',
      sourceName: 'Federal Register RSS',
      url: `${URL_API.replace('https://www.', 'http://')}/?utm_source=rss&utm_medium=feed`,
      contentHash: 'h-rss',
      priority: 'medium',
    });
    for (const d of [fromApi, fromRss]) await index.upsertDocument(d);
    // Both matched at once, by the notifier's concurrent workers.
    await queue.enqueueMany(JobName.MatchDocument, [
      { documentId: fromApi.id, version: 1 },
      { documentId: fromRss.id, version: 1 },
    ]);
    const [mail] = await pollUntil(mails, (m) => m.length > 0, { what: 'the alert email', timeoutMs: 20000 });
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(mails()).toHaveLength(1);
    expect(mail!.subject).toContain('Export controls on advanced computing chips');
    expect(mail!.text).toContain('Reported by: Federal Register API, Federal Register RSS');

    const { alerts } = await index.listAlerts({});
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert!.sourceIds.sort()).toEqual(['fr-api', 'fr-rss']);
    expect(alert!.sources?.map((s) => s.documentId).sort()).toEqual([fromApi.id, fromRss.id].sort());
    expect(alert!.policyEvents).toEqual([{ kind: 'effective_date', date: '2026-12-23' }]);

    // An agency press release on its own site naming the same FR document number joins the
    // alert (an FR-type document stating exactly one FR number) and sends nothing.
    const release = doc('bis-press-1', {
      sourceId: 'bis-press',
      sourceName: 'BIS press releases',
      url: 'https://www.bis.gov/press-release/chips-rule',
      contentHash: 'h-press',
      docType: 'notice',
      identifiers: { frDocumentNumbers: ['2026-24001'] },
    });
    await index.upsertDocument(release);
    await queue.enqueue(JobName.MatchDocument, { documentId: release.id, version: 1 });
    await pollUntil(
      async () => (await index.getAlert(alert!.id))?.sources?.length ?? 0,
      (n) => n === 3,
      { what: 'the third source on the alert', timeoutMs: 20000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(mails()).toHaveLength(1);
    expect((await index.listAlerts({})).alerts).toHaveLength(1);

    // The alert's own document changes for real: one "Changed" email to the subscriber the
    // batch told, whatever the batching window. A duplicate's new version sends nothing.
    const primaryId = alert!.documentId;
    const primary = (await index.getDocument(primaryId))!;
    const v2 = {
      ...primary,
      version: 2,
      contentHash: `${primary.contentHash}-v2`,
      body: 'The Bureau of Industry and Security amends the Export Administration Regulations; effective January 4, 2027.',
      indexedAt: '2026-11-24T09:05:01.000Z',
      diff: {
        added: [
          'The Bureau of Industry and Security amends the Export Administration Regulations; effective January 4, 2027.',
        ],
        removed: [primary.body],
      },
    };
    await index.upsertDocument(v2);
    const secondaryId = primaryId === fromApi.id ? fromRss.id : fromApi.id;
    const secondary = (await index.getDocument(secondaryId))!;
    await index.upsertDocument({
      ...secondary,
      version: 2,
      contentHash: `${secondary.contentHash}-v2`,
      diff: { added: ['typo fixed'], removed: ['typo'] },
    });
    await queue.enqueueMany(JobName.MatchDocument, [
      { documentId: primaryId, version: 2 },
      { documentId: secondaryId, version: 2 },
    ]);
    const changed = await pollUntil(
      () => mails().filter((m) => m.subject?.includes('Changed:')),
      (m) => m.length > 0,
      { what: 'the changed email', timeoutMs: 20000 },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(changed).toHaveLength(1);
    expect(changed[0]!.text).toContain(
      '+ The Bureau of Industry and Security amends the Export Administration Regulations; effective January 4, 2027.',
    );
    expect(changed[0]!.text).not.toContain('typo');
    expect(mails()).toHaveLength(2);

    // Matched again (an unchanged re-crawl re-enqueues the same version; its job may have been
    // removed meanwhile, so the handler runs again): nothing more.
    expect(await radar.app.get(AlertService).handleDocument(primaryId)).toMatchObject({
      status: 'alerted',
      alert: 'unchanged',
      emails: 0,
      batched: 0,
      changes: 0,
    });
    await pollUntil(drained, Boolean, { what: 'queues drained', timeoutMs: 20000 });
    expect(mails()).toHaveLength(2);
  });
});
