import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { RadarDocument } from '@radar/core';
import { DeliverWebhookPayload, JobName, JOBS, JobQueue, QueueName } from '@radar/queue';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { SearchIndex } from '@radar/search';
import { createTestEnv, pollUntil, TestEnv, WebhookReceiver } from '@radar/testing';
import { verifyWebhookSignature } from '@radar/webhooks';
import { ApiModule } from '../apps/api/src/api.module';
import { NotifierModule } from '../apps/notifier/src/notifier.module';
import { createRoleKeys } from './support/loopback-system';

/**
 * Webhook subscriptions through real parts: the API creates them (the secret shown once), the
 * notifier posts signed events to real HTTP receivers on loopback (allowed here by
 * WEBHOOK_ALLOW_PRIVATE_NETWORK=true), BullMQ retries a 500, a 410 disables the subscription.
 */

function doc(id: string, patch: Partial<RadarDocument> = {}): RadarDocument {
  return {
    id,
    version: 1,
    contentHash: `h-${id}`,
    sourceId: 'fr-nrc',
    sourceName: 'Federal Register: NRC',
    url: `https://www.federalregister.gov/d/${id}`,
    title: 'NRC proposes rule on advanced reactor licensing',
    summary: 'Proposed rule.',
    body: 'Comments are due by January 15, 2027.',
    publishedAt: '2026-11-23T09:00:00.000Z',
    fetchedAt: '2026-11-23T09:05:00.000Z',
    indexedAt: '2026-11-23T09:05:01.000Z',
    subSectors: [{ id: 'nuclear-energy', score: 0.9, evidence: [] }],
    focusAreas: ['energy-independence-resilience'],
    advocacyGoals: [],
    docType: 'proposed_rule',
    policyEvents: [{ kind: 'comment_deadline', date: '2027-01-15' }],
    policyAction: true,
    agencies: ['Nuclear Regulatory Commission'],
    priority: 'high',
    priorityReason: 'Proposed rule',
    ...patch,
  };
}

describe('webhooks, end to end', () => {
  let env: TestEnv;
  let radar: RunningRadar;
  let api: string;
  let index: SearchIndex;
  let queue: JobQueue;
  let receiver: WebhookReceiver;

  /** The first admin key the API writes at its first start (API keys with roles), when auth is on. */
  let keys: Awaited<ReturnType<typeof createRoleKeys>>;
  const call = async (method: string, path: string, body?: unknown, key: string = keys.policy) => {
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const res = await fetch(`${api}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const create = async (path: string, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/api/webhooks', { url: `${receiver.url}${path}`, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const drained = async () => Object.values(await queue.depths()).every((n) => n === 0);
  const signed = (secret: string, post: { body: string; headers: Record<string, unknown> }) =>
    verifyWebhookSignature(secret, post.body, post.headers['x-radar-signature'] as string).ok;

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    env = createTestEnv({ WEBHOOK_ALLOW_PRIVATE_NETWORK: 'true', WEBHOOK_TIMEOUT_MS: '2000' });
    radar = await bootRadar({
      name: 'e2e-webhooks',
      roles: [NotifierModule, ApiModule],
      http: true,
      config: env.config,
      logLevels: ['error'],
    });
    api = radar.url!;
    index = radar.app.get(SearchIndex);
    queue = radar.app.get(JobQueue);
    keys = await createRoleKeys(radar);
  });

  afterAll(async () => {
    await radar?.close();
    await env?.cleanup();
    await receiver?.stop();
  });

  it('creates (secret once), lists without secrets, pings, refuses bad input, deletes', async () => {
    // Webhooks make this server post to URLs their creator chose: never without a policy (or admin) key.
    expect((await call('POST', '/api/webhooks', { url: `${receiver.url}/x` }, '')).status).toBe(401);
    expect((await call('GET', '/api/webhooks', undefined, '')).status).toBe(401);
    expect((await call('GET', '/api/webhooks', undefined, keys.analyst)).status).toBe(403);
    expect((await call('GET', '/api/webhooks', undefined, keys.admin)).status).toBe(200);
    const bad = await call('POST', '/api/webhooks', { url: 'ftp://hooks.example.com/x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('only http: and https: URLs are allowed');
    expect((await call('POST', '/api/webhooks', { url: `${receiver.url}/x`, format: 'fax' })).status).toBe(400);
    expect((await call('POST', '/api/webhooks', { url: `${receiver.url}/x`, query: 'reactor AND (' })).status).toBe(
      400,
    );

    const created = await create('/admin', { format: 'json', query: 'sector:nuclear-energy' });
    expect(created).toMatchObject({ format: 'json', status: 'confirmed', query: 'sector:nuclear-energy' });
    expect(created.secret).toMatch(/^whsec_/);
    expect((created as { createdBy?: string }).createdBy).toBe('test policy'); // the API key's name
    const listed = await call('GET', '/api/webhooks');
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.secret);
    expect(JSON.stringify((await call('GET', `/api/webhooks/${created.id}`)).body)).not.toContain(created.secret);

    const ping = await call('POST', `/api/webhooks/${created.id}/ping`);
    expect(ping).toMatchObject({ status: 200, body: { ok: true, status: 200 } });
    const [post] = receiver.received('/admin');
    expect(post!.headers['x-radar-event']).toBe('ping');
    expect(post!.headers['x-radar-delivery']).toBe(ping.body.deliveryId);
    expect(signed(created.secret, post!)).toBe(true);
    expect(JSON.parse(post!.body)).toMatchObject({ type: 'ping', subscription: { id: created.id } });

    expect((await call('DELETE', `/api/webhooks/${created.id}`)).status).toBe(204);
    expect((await call('GET', `/api/webhooks/${created.id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/webhooks/${created.id}`)).status).toBe(404);
    expect((await call('POST', `/api/webhooks/not-a-uuid/ping`)).status).toBe(404);
  });

  it('posts alert.created then alert.changed (signed, JSON and Slack), never twice for one delivery', async () => {
    const json = await create('/json', { format: 'json', query: 'sector:nuclear-energy' });
    const slack = await create('/slack', { format: 'slack' });
    const other = await create('/other', { format: 'json', query: 'sector:solar' });
    const v1 = doc('2026-25001');
    await index.upsertDocument(v1);
    await queue.enqueue(JobName.MatchDocument, { documentId: v1.id, version: 1 });
    await pollUntil(
      () => receiver.received('/json').length + receiver.received('/slack').length,
      (n) => n === 2,
      { what: 'the two alert.created posts' },
    );
    const [created] = receiver.received('/json');
    expect(signed(json.secret, created!)).toBe(true);
    expect(created!.headers['x-radar-event']).toBe('alert.created');
    expect(created!.headers['x-radar-delivery']).toBe(`wh.${json.id}.${v1.id}`);
    expect(JSON.parse(created!.body)).toMatchObject({
      id: `wh.${json.id}.${v1.id}`,
      type: 'alert.created',
      alert: { id: v1.id, title: v1.title, policyEvents: [{ kind: 'comment_deadline', date: '2027-01-15' }] },
    });
    const slackBody = JSON.parse(receiver.received('/slack')[0]!.body);
    expect(slackBody.text).toBe(`[Policy Radar] HIGH: ${v1.title}`);
    expect(slackBody.blocks[0].type).toBe('header');
    expect(signed(slack.secret, receiver.received('/slack')[0]!)).toBe(true);

    const v2 = {
      ...v1,
      version: 2,
      contentHash: 'h-v2',
      body: 'Comments are due by March 16, 2027.',
      indexedAt: '2026-11-24T09:05:01.000Z',
      diff: { added: ['Comments are due by March 16, 2027.'], removed: ['Comments are due by January 15, 2027.'] },
    };
    await index.upsertDocument(v2);
    await queue.enqueue(JobName.MatchDocument, { documentId: v1.id, version: 2 });
    await pollUntil(
      () => receiver.received('/json').length,
      (n) => n === 2,
      { what: 'the alert.changed post' },
    );
    const changed = receiver.received('/json')[1]!;
    expect(changed.headers['x-radar-event']).toBe('alert.changed');
    expect(JSON.parse(changed.body)).toMatchObject({
      id: `wh.${json.id}.${v1.id}.v2`,
      type: 'alert.changed',
      change: {
        version: 2,
        added: ['Comments are due by March 16, 2027.'],
        removed: ['Comments are due by January 15, 2027.'],
      },
    });
    // The same deliveries enqueued again, and the same version matched again: nothing more.
    const body = receiver.received('/json')[0]!.body;
    await queue.enqueue(JobName.DeliverWebhook, {
      deliveryId: `wh.${json.id}.${v1.id}`,
      subscriptionId: json.id,
      event: 'alert.created',
      summary: 'again',
      body,
    });
    await queue.enqueue(JobName.MatchDocument, { documentId: v1.id, version: 2 });
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect(receiver.received('/json')).toHaveLength(2);
    expect(receiver.received('/slack')).toHaveLength(2);
    expect(receiver.received('/other')).toHaveLength(0);
    await call('DELETE', `/api/webhooks/${other.id}`);
    await call('DELETE', `/api/webhooks/${slack.id}`);
    await call('DELETE', `/api/webhooks/${json.id}`);
  });

  it('BullMQ retries a 500 with back-off, then the post succeeds once; a 410 fails for good and disables', async () => {
    const flaky = await create('/flaky');
    const gone = await create('/gone');
    const payload = (deliveryId: string, subscriptionId: string): DeliverWebhookPayload => ({
      deliveryId,
      subscriptionId,
      event: 'alert.created',
      summary: 'alert.created: test',
      body: JSON.stringify({ id: deliveryId, type: 'alert.created' }),
    });
    const webhookQueue = radar.app.get<Queue>(getQueueToken(QueueName.Webhook));
    /** The job as JobQueue adds it, with a short back-off so the test does not wait minutes. */
    const add = (p: DeliverWebhookPayload) =>
      webhookQueue.add(JobName.DeliverWebhook, p, {
        ...JOBS[JobName.DeliverWebhook].options,
        backoff: { type: 'exponential', delay: 200 },
        jobId: JOBS[JobName.DeliverWebhook].jobId(p),
      });

    receiver.answer({ status: 500 }, { status: 503 }, { status: 200 });
    await add(payload('wh.flaky.d1', flaky.id));
    await pollUntil(
      () => index.getDelivery('wh.flaky.d1'),
      (d) => d !== null,
      { what: 'the delivery after two retries' },
    );
    const flakyPosts = receiver.received('/flaky');
    expect(flakyPosts.map((p) => p.headers['x-radar-delivery'])).toEqual(['wh.flaky.d1', 'wh.flaky.d1', 'wh.flaky.d1']);
    expect(flakyPosts.every((p) => signed(flaky.secret, p))).toBe(true);
    const job = await webhookQueue.getJob(JOBS[JobName.DeliverWebhook].jobId(payload('wh.flaky.d1', flaky.id)));
    expect(job?.attemptsMade).toBe(3); // two failed attempts and the one that succeeded

    receiver.answer({ status: 410, body: 'gone' });
    await add(payload('wh.gone.d1', gone.id));
    const failed = await pollUntil(
      () => call('GET', `/api/webhooks/${gone.id}`),
      (r) => r.body.status === 'bounced',
      { what: 'the subscription disabled' },
    );
    expect(failed.body.lastFailure).toMatchObject({ deliveryId: 'wh.gone.d1', status: 410 });
    await pollUntil(drained, Boolean, { what: 'queues drained' });
    expect(receiver.received('/gone')).toHaveLength(1); // no retry of a permanent failure
    const goneJob = await webhookQueue.getJob(JOBS[JobName.DeliverWebhook].jobId(payload('wh.gone.d1', gone.id)));
    expect(await goneJob?.getState()).toBe('failed');
    receiver.answer({ status: 200 });
  });
});
