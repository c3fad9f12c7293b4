import { join } from 'node:path';
import type { Subscription } from '@radar/core';
import { MetricsStore } from '@radar/metrics';
import { DeliverWebhookPayload, PermanentJobError } from '@radar/queue';
import { SqliteSearchIndex } from '@radar/search';
import { createTestEnv, WebhookReceiver } from '@radar/testing';
import { verifyWebhookSignature, WebhookTransport } from '@radar/webhooks';
import { SystemClock } from './clock';
import { WebhookDeliveryService } from './webhook-delivery.service';

describe('WebhookDeliveryService (real loopback receiver, real SQLite)', () => {
  const env = createTestEnv();
  const metrics = new MetricsStore(env.config);
  let receiver: WebhookReceiver;
  let index: SqliteSearchIndex;
  let transport: WebhookTransport;
  let service: WebhookDeliveryService;

  const hook = (id: string, path: string, patch: Partial<Subscription> = {}): Subscription => ({
    id,
    email: '',
    query: '',
    status: 'confirmed',
    confirmToken: `whsec_confirm-${id}`,
    unsubscribeToken: `whsec_unsub-${id}`,
    createdAt: '2026-11-24T00:00:00.000Z',
    target: { kind: 'webhook', url: `${receiver.url}${path}`, format: 'json' },
    webhookSecret: `whsec_secret-of-${id}`,
    ...patch,
  });
  const payload = (deliveryId: string, sub: Subscription): DeliverWebhookPayload => ({
    deliveryId,
    subscriptionId: sub.id,
    event: 'alert.created',
    summary: 'alert.created: NRC final rule',
    body: JSON.stringify({ id: deliveryId, type: 'alert.created' }),
  });
  const failure = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected the delivery to fail');
  };

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    index = new SqliteSearchIndex({ file: join(env.dataDir, 'radar.sqlite') });
    await index.init();
    transport = new WebhookTransport({ allowPrivateNetwork: true, timeoutMs: 2000, userAgent: 'PolicyRadar/test' });
    service = new WebhookDeliveryService(index, transport, metrics, new SystemClock());
  });

  afterAll(async () => {
    await transport.close();
    await index.close();
    await receiver.stop();
    await metrics.onModuleDestroy();
    await env.cleanup();
  });

  it('posts a body the receiver can verify, with the delivery id and event; a second run posts nothing', async () => {
    const sub = hook('alpha', '/alpha');
    await index.saveSubscription(sub);
    receiver.answer({ status: 200 });
    const p = payload('wh.alpha.doc1', sub);
    expect(await service.deliver(p)).toEqual({ status: 'sent', httpStatus: 200 });
    const [post] = receiver.received('/alpha');
    expect(post!.body).toBe(p.body);
    expect(post!.headers['x-radar-delivery']).toBe('wh.alpha.doc1');
    expect(post!.headers['x-radar-event']).toBe('alert.created');
    expect(
      verifyWebhookSignature(sub.webhookSecret!, post!.body, post!.headers['x-radar-signature'] as string),
    ).toMatchObject({ ok: true });
    expect(verifyWebhookSignature('whsec_wrong', post!.body, post!.headers['x-radar-signature'] as string)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(await index.getDelivery('wh.alpha.doc1')).toMatchObject({ subscriptionId: 'alpha', email: '' });

    expect(await service.deliver(p)).toEqual({ status: 'skipped', reason: 'already delivered' });
    expect(receiver.received('/alpha')).toHaveLength(1);
  });

  it('a 500 throws (the job retries); the retry posts the same delivery once more, then never again', async () => {
    const sub = hook('bravo', '/bravo');
    await index.saveSubscription(sub);
    receiver.answer({ status: 500, body: 'database down' }, { status: 202 });
    const p = payload('wh.bravo.doc1', sub);
    const first = await failure(service.deliver(p, { attempt: 1, attempts: 10 }));
    expect(first).not.toBeInstanceOf(PermanentJobError);
    expect(first.message).toContain('answered HTTP 500: database down');
    expect(await index.getDelivery('wh.bravo.doc1')).toBeNull();
    expect(await service.deliver(p, { attempt: 2, attempts: 10 })).toEqual({ status: 'sent', httpStatus: 202 });
    expect(await service.deliver(p, { attempt: 3, attempts: 10 })).toEqual({
      status: 'skipped',
      reason: 'already delivered',
    });
    const posts = receiver.received('/bravo');
    expect(posts.map((x) => x.headers['x-radar-delivery'])).toEqual(['wh.bravo.doc1', 'wh.bravo.doc1']);
    expect((await index.getSubscription('bravo'))?.lastFailure).toBeUndefined();
  });

  it('410 Gone is permanent: recorded, the subscription disabled, nothing posted after', async () => {
    const sub = hook('charlie', '/charlie');
    await index.saveSubscription(sub);
    receiver.answer({ status: 410, body: 'channel archived' });
    const error = await failure(service.deliver(payload('wh.charlie.doc1', sub), { attempt: 1, attempts: 10 }));
    expect(error).toBeInstanceOf(PermanentJobError);
    const stored = await index.getSubscription('charlie');
    expect(stored).toMatchObject({
      status: 'bounced',
      lastFailure: { deliveryId: 'wh.charlie.doc1', status: 410, message: expect.stringContaining('channel archived') },
    });
    expect(stored?.bouncedAt).toBeDefined();
    expect(await service.deliver(payload('wh.charlie.doc2', sub))).toEqual({
      status: 'skipped',
      reason: 'subscription is bounced',
    });
    expect(receiver.received('/charlie')).toHaveLength(1);
    receiver.answer({ status: 200 });
  });

  it('another 4xx is permanent and recorded, but leaves the subscription active', async () => {
    const sub = hook('delta', '/delta');
    await index.saveSubscription(sub);
    receiver.answer({ status: 403, body: 'bad token' }, { status: 200 });
    expect(await failure(service.deliver(payload('wh.delta.doc1', sub)))).toBeInstanceOf(PermanentJobError);
    expect(await index.getSubscription('delta')).toMatchObject({
      status: 'confirmed',
      lastFailure: { status: 403 },
    });
  });

  it('transient failures are recorded only on the last attempt', async () => {
    const sub = hook('echo', '/echo');
    await index.saveSubscription(sub);
    receiver.answer({ status: 503 });
    await failure(service.deliver(payload('wh.echo.doc1', sub), { attempt: 9, attempts: 10 }));
    expect((await index.getSubscription('echo'))?.lastFailure).toBeUndefined();
    const last = await failure(service.deliver(payload('wh.echo.doc1', sub), { attempt: 10, attempts: 10 }));
    expect(last).not.toBeInstanceOf(PermanentJobError);
    expect(await index.getSubscription('echo')).toMatchObject({ status: 'confirmed', lastFailure: { status: 503 } });
    receiver.answer({ status: 200 });
  });

  it('SSRF: without WEBHOOK_ALLOW_PRIVATE_NETWORK a loopback receiver is refused before any connection', async () => {
    const guarded = new WebhookTransport({
      allowPrivateNetwork: false,
      timeoutMs: 2000,
      userAgent: 'PolicyRadar/test',
    });
    const strict = new WebhookDeliveryService(index, guarded, metrics, new SystemClock());
    const sub = hook('foxtrot', '/foxtrot', {
      target: { kind: 'webhook', url: `https://127.0.0.1:${new URL(receiver.url).port}/foxtrot`, format: 'json' },
    });
    await index.saveSubscription(sub);
    const error = await failure(strict.deliver(payload('wh.foxtrot.doc1', sub)));
    expect(error).toBeInstanceOf(PermanentJobError);
    expect(error.message).toMatch(/refused: 127\.0\.0\.1 is loopback/);
    expect(receiver.received('/foxtrot')).toHaveLength(0);
    expect((await index.getSubscription('foxtrot'))?.lastFailure?.message).toMatch(/loopback/);
    await guarded.close();
  });

  it('skips deleted and email subscriptions', async () => {
    const sub = hook('golf', '/golf');
    expect(await service.deliver(payload('wh.golf.doc1', sub))).toEqual({
      status: 'skipped',
      reason: 'subscription no longer exists',
    });
    const { target: _t, webhookSecret: _s, ...email } = sub;
    await index.saveSubscription({ ...email, email: 'golf@example.org' });
    expect(await service.deliver(payload('wh.golf.doc1', sub))).toEqual({
      status: 'skipped',
      reason: 'not a webhook subscription',
    });
    expect(receiver.received('/golf')).toHaveLength(0);
  });
});
