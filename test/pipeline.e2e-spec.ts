import { JobQueue } from '@radar/queue';
import type { RunningRadar } from '@radar/runtime';
import { FeedItem, LoopbackSystem, rssFeed, startLoopbackSystem } from './support/loopback-system';
import { FixtureHttpServer, pollUntil, TestSmtpServer } from '@radar/testing';

/**
 * The whole pipeline through real parts: a feed served over loopback HTTP, real Redis (own
 * prefix), the SQLite index in a temp DATA_DIR, and a real SMTP server in-process.
 */

const RULE: FeedItem = {
  guid: 'nrc-2026-0042',
  title: 'NRC issues final rule to streamline licensing of advanced nuclear reactors',
  description:
    'The Nuclear Regulatory Commission published a final rule in the Federal Register that modernizes the licensing framework for advanced nuclear reactors and small modular reactors. The rule takes effect on January 15, 2027.',
};
const BAKERY: FeedItem = {
  guid: 'bakery-1',
  title: 'Town bakery celebrates fifty years of sourdough',
  description: 'A family bakery on Main Street marked its anniversary with free bread and a street party.',
};

describe('pipeline, end to end', () => {
  let feed: FixtureHttpServer;
  let smtp: TestSmtpServer;
  let radar: RunningRadar;
  let api: string;
  const subscriber = 'analyst@example.org';

  const getJson = async (path: string) => {
    const res = await fetch(`${api}${path}`, { headers: system.auth('admin') });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const drained = async () => {
    const depths = await radar.app.get(JobQueue).depths();
    return Object.values(depths).every((n) => n === 0);
  };

  let system: LoopbackSystem;

  beforeAll(async () => {
    system = await startLoopbackSystem({ name: 'e2e', feedBody: rssFeed([]), smtp: true });
    ({ feed, radar, api } = system);
    smtp = system.smtp!;
  });

  afterAll(async () => {
    await system?.close();
  });

  it('serves health and rejects a malformed query with its position', async () => {
    const health = await getJson('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', redis: 'up', index: 'up' });
    const bad = await getJson('/api/search?q=' + encodeURIComponent('reactor AND (fuel'));
    expect(bad.status).toBe(400);
    expect(typeof bad.body.position).toBe('number');
  });

  it('confirms a subscriber through the emailed link (double opt-in)', async () => {
    const res = await fetch(`${api}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: subscriber, query: 'sector:nuclear-energy' }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'pending' });
    const [confirmation] = await pollUntil(
      () => smtp.to(subscriber),
      (m) => m.length > 0,
      { what: 'confirmation email' },
    );
    expect(confirmation.subject).toBe('Confirm your Policy Radar subscription');
    const link = /http:\/\/\S+\/api\/subscriptions\/confirm\?token=[\w%-]+/.exec(confirmation.text ?? '')?.[0];
    expect(link).toBeDefined();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Subscription confirmed');

    const again = await fetch(`${api}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: subscriber, query: 'sector:nuclear-energy' }),
    });
    expect(await again.json()).toMatchObject({ status: 'confirmed' });
    expect(smtp.to(subscriber)).toHaveLength(1);
  });

  it('crawls, classifies, indexes and alerts: the item is searchable with its tags and the subscriber is emailed once', async () => {
    feed.set('/feed.xml', { body: rssFeed([RULE, BAKERY]) });
    const found = await pollUntil(
      () => getJson('/api/search?q=' + encodeURIComponent('"advanced nuclear reactors"')),
      (r) => r.body.total === 1,
      { what: 'the rule to be searchable' },
    );
    const doc = found.body.hits[0].document;
    expect(doc.title).toBe(RULE.title);
    expect(doc.sourceId).toBe('loopback-agency');
    expect(doc.subSectors.map((s: { id: string }) => s.id)).toContain('nuclear-energy');
    expect(doc.focusAreas).toContain('energy-independence-resilience');
    expect(doc.policyAction).toBe(true);
    expect(found.body.hits[0].snippet).toContain('<mark>');

    const byId = await getJson(`/api/documents/${doc.id}`);
    expect(byId.body).toMatchObject({ id: doc.id, version: 1 });

    const alertMail = await pollUntil(
      () => smtp.to(subscriber).filter((m) => m.subject?.includes('advanced nuclear reactors')),
      (m) => m.length === 1,
      { what: 'the alert email' },
    );
    expect(alertMail[0].text).toContain(RULE.title);
    const header = (key: string) => alertMail[0].headerLines.find((h) => h.key === key)?.line;
    expect(header('list-unsubscribe')).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/api\/subscriptions\/unsubscribe\?token=[\w%-]+>/,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    const alerts = await getJson('/api/alerts');
    expect(alerts.body.alerts.map((a: { title: string }) => a.title)).toEqual([RULE.title]);
    // The alert desk's query filters apply to the alert's document.
    const titles = async (query: string) =>
      (await getJson(`/api/alerts?${query}`)).body.alerts.map((a: { title: string }) => a.title);
    expect(await titles('q=licensing%20reactors')).toEqual([RULE.title]);
    expect(await titles('q=sourdough')).toEqual([]);
    const badQuery = await getJson('/api/alerts?q=reactors%20AND%20(');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.position).toBeGreaterThan(0);
    await pollUntil(
      () => getJson('/api/search?q='),
      (r) => r.body.total === 2,
      { what: 'both items indexed' },
    );
  });

  it('serving the same feed again creates no duplicate document, alert or email', async () => {
    // A new body (lastBuildDate) with the same items defeats the unchanged-body shortcut.
    feed.set('/feed.xml', { body: rssFeed([RULE, BAKERY], { build: 'Mon, 23 Nov 2026 11:00:00 GMT' }) });
    const before = feed.hits('/feed.xml');
    await pollUntil(
      () => feed.hits('/feed.xml'),
      (n) => n >= before + 3,
      { what: 'three more crawls' },
    );
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect((await getJson('/api/search?q=')).body.total).toBe(2);
    expect((await getJson('/api/alerts')).body.alerts).toHaveLength(1);
    expect(smtp.to(subscriber)).toHaveLength(2); // confirmation + one alert
  });

  it('a changed item becomes a new version of the same document, not a second document', async () => {
    const changed = {
      ...RULE,
      description: `${RULE.description} Comments on the implementation guidance are due February 1, 2027.`,
    };
    feed.set('/feed.xml', { body: rssFeed([changed, BAKERY], { build: 'Mon, 23 Nov 2026 12:00:00 GMT' }) });
    const found = await pollUntil(
      () => getJson('/api/search?q=' + encodeURIComponent('implementation guidance')),
      (r) => r.body.total === 1,
      { what: 'the new version to be searchable' },
    );
    expect(found.body.hits[0].document.version).toBe(2);
    const id = found.body.hits[0].document.id;
    const history = await getJson(`/api/documents/${id}/versions`);
    expect(history.status).toBe(200);
    expect(history.body.documentId).toBe(id);
    expect(history.body.versions.map((v: { version: number; summary: string }) => [v.version, v.summary])).toEqual([
      [2, changed.description],
      [1, RULE.description],
    ]);
    expect(history.body.versions[0].diff).toEqual({ added: [changed.description], removed: [RULE.description] });
    expect(history.body.versions[1].diff).toBeUndefined();
    expect((await getJson('/api/documents/no-such-document/versions')).status).toBe(404);
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect((await getJson('/api/search?q=')).body.total).toBe(2);
    expect((await getJson('/api/alerts')).body.alerts).toHaveLength(1);
    // The subscriber already alerted hears of the real change once: a "Changed" email with the diff.
    const mails = await pollUntil(
      () => smtp.to(subscriber),
      (m) => m.length === 3,
      { what: 'the changed email' },
    );
    expect(mails[2]!.subject).toContain(`Changed: ${RULE.title}`);
    expect(mails[2]!.text).toContain(`+ ${changed.description}`);
    expect(mails[2]!.text).toContain(`- ${RULE.description}`);
  });

  it('exposes Prometheus metrics for the whole pipeline', async () => {
    const res = await fetch(`${api}/metrics`, { headers: system.auth('admin') });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^radar_documents 2$/m);
    expect(text).toMatch(/^radar_queue_jobs\{queue="ingest",state="waiting"\} 0$/m);
    expect(text).toMatch(/^radar_crawl_outcomes_total\{status="fetched"\} [1-9]/m);
    expect(text).toMatch(/^radar_documents_ingested_total\{outcome="created"\} 2$/m);
    expect(text).toMatch(/^radar_emails_total\{outcome="sent"\} 3$/m); // confirmation, alert, change
    expect(text).toMatch(/^radar_alerts_total\{outcome="created"\} 1$/m);
    expect(text).toMatch(/^radar_classification_seconds_count [1-9]/m);
    expect(text).toMatch(/^radar_alert_latency_seconds_count 1$/m);
    expect(text).toMatch(/^radar_sources\{status="ok"\} 1$/m);
    expect((await fetch(`${api}/health/live`)).status).toBe(200);
    expect((await getJson('/health/ready')).body).toMatchObject({ status: 'ok' });
  });

  it('records tag feedback on a document, with field errors for a bad request', async () => {
    const [alert] = (await getJson('/api/alerts')).body.alerts;
    const post = (id: string, body: unknown) =>
      fetch(`${api}/api/documents/${id}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...system.auth('analyst') },
        body: JSON.stringify(body),
      });
    const res = await post(alert.documentId, { kind: 'wrong_tag', label: 'nuclear-energy', by: 'analyst' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      documentId: alert.documentId,
      kind: 'wrong_tag',
      label: 'nuclear-energy',
    });
    const bad = await post(alert.documentId, { kind: 'typo', label: 'warp-drives' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toHaveLength(2);
    expect((await post('no-such-document', { kind: 'missing_tag', label: 'solar' })).status).toBe(404);
    expect((await getJson(`/api/feedback?documentId=${alert.documentId}`)).body.feedback).toHaveLength(1);
  });

  it('triages an alert and charts documents by day', async () => {
    const [alert] = (await getJson('/api/alerts')).body.alerts;
    const res = await fetch(`${api}/api/alerts/${alert.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...system.auth('policy') },
      body: JSON.stringify({ state: 'reviewed', by: 'policy-team@example.org' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: alert.id,
      state: 'reviewed',
      stateChangedBy: 'policy-team@example.org',
    });
    expect((await getJson('/api/alerts?state=reviewed')).body.alerts).toHaveLength(1);
    const bad = await fetch(`${api}/api/alerts/${alert.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...system.auth('policy') },
      body: JSON.stringify({ state: 'archived' }),
    });
    expect(bad.status).toBe(400);

    const chart = await getJson('/api/search?q=&histogram=day&tz=America/New_York');
    expect(chart.body.histogram).toEqual([{ key: '2026-11-23', count: 2 }]);
    expect((await getJson('/api/search?q=&histogram=day&tz=Mars/Olympus')).status).toBe(400);
  });
});
