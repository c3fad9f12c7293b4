import { join } from 'node:path';
import type { Subscription } from '@radar/core';
import { OutboxMailTransport, renderConfirmation, SmtpMailTransport } from '@radar/mail';
import { PermanentJobError, SendEmailPayload } from '@radar/queue';
import { SqliteSearchIndex } from '@radar/search';
import { CORPUS } from '../../../libs/search/src/conformance/corpus';
import { createTestEnv, TestSmtpServer } from '@radar/testing';
import { MetricsStore } from '@radar/metrics';
import { DeliveryService } from './delivery.service';

describe('DeliveryService (real SMTP server, real SQLite)', () => {
  const env = createTestEnv({ MAIL_FROM: 'Radar <radar@example.org>' });
  const { config, dataDir: dir } = env;
  const metrics = new MetricsStore(config);
  let smtp: TestSmtpServer;
  let index: SqliteSearchIndex;
  let transport: SmtpMailTransport;
  let service: DeliveryService;

  const subscription = (id: string, status: Subscription['status']): Subscription => ({
    id,
    email: `${id}@example.org`,
    query: '',
    status,
    confirmToken: `confirm-token-${id}-0123456789`,
    unsubscribeToken: `unsub-token-${id}-0123456789`,
    createdAt: '2026-11-24T00:00:00.000Z',
  });
  const payload = (deliveryId: string, sub: Subscription): SendEmailPayload => ({
    deliveryId,
    subscriptionId: sub.id,
    message: {
      to: sub.email,
      ...renderConfirmation({
        subscription: sub,
        confirmUrl: 'http://x/confirm?token=t',
        unsubscribeUrl: 'http://x/unsubscribe?token=u',
        manageUrl: 'http://x/manage?token=m',
      }),
    },
  });

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    index = new SqliteSearchIndex({ file: join(dir, 'radar.sqlite') });
    await index.init();
    transport = new SmtpMailTransport(smtp.url);
    service = new DeliveryService(config, index, transport, metrics);
  });

  afterAll(async () => {
    await transport.close();
    await index.close();
    await smtp.stop();
    await metrics.onModuleDestroy();
    await env.cleanup();
  });

  it('sends once per delivery id, however often the job runs', async () => {
    const sub = subscription('alice', 'confirmed');
    await index.saveSubscription(sub);
    expect(await service.deliver(payload('alert.alice.doc1', sub))).toEqual({ status: 'sent' });
    expect(await service.deliver(payload('alert.alice.doc1', sub))).toEqual({
      status: 'skipped',
      reason: 'already delivered',
    });
    const mails = smtp.to('alice@example.org');
    expect(mails).toHaveLength(1);
    expect(mails[0].from?.value[0]).toMatchObject({ name: 'Radar', address: 'radar@example.org' });
    expect(mails[0].messageId).toBe('<alert.alice.doc1@policy-radar>');
    expect(await index.getDelivery('alert.alice.doc1')).toMatchObject({ email: 'alice@example.org' });
  });

  it('sends a pending subscription only its confirmation, and nothing to the unsubscribed', async () => {
    const pending = subscription('bob', 'pending');
    const gone = subscription('carol', 'unsubscribed');
    await index.saveSubscription(pending);
    await index.saveSubscription(gone);
    expect(await service.deliver(payload('alert.bob.doc1', pending))).toEqual({
      status: 'skipped',
      reason: 'not confirmed',
    });
    expect(await service.deliver(payload('confirm.bob', pending))).toEqual({ status: 'sent' });
    expect(await service.deliver(payload('confirm.carol', gone))).toEqual({
      status: 'skipped',
      reason: 'unsubscribed',
    });
    expect(smtp.to('bob@example.org')).toHaveLength(1);
    expect(smtp.to('carol@example.org')).toHaveLength(0);
  });

  it('on a 5xx refusal fails for good, marks every subscription of the address bounced and sends it nothing more', async () => {
    const sub = subscription('dave', 'confirmed');
    const second: Subscription = { ...subscription('dave-2', 'pending'), email: 'dave@example.org' };
    const left: Subscription = { ...subscription('dave-3', 'unsubscribed'), email: 'dave@example.org' };
    for (const s of [sub, second, left]) await index.saveSubscription(s);
    smtp.rejectWith = { code: 550, message: 'mailbox unavailable' };
    await expect(service.deliver(payload('alert.dave.doc1', sub))).rejects.toThrow(PermanentJobError);
    smtp.rejectWith = undefined;
    expect(await index.getDelivery('alert.dave.doc1')).toBeNull();
    const statuses = (await index.listSubscriptions({ email: 'dave@example.org' })).map((s) => [s.id, s.status]);
    expect(Object.fromEntries(statuses)).toEqual({ dave: 'bounced', 'dave-2': 'bounced', 'dave-3': 'unsubscribed' });
    expect((await index.getSubscription('dave'))?.bouncedAt).toEqual(expect.any(String));
    // A retry, another alert, or the other subscription's confirmation: all skipped, nothing sent.
    for (const [id, s] of [
      ['alert.dave.doc1', sub],
      ['alert.dave.doc2', sub],
      ['confirm.dave-2', second],
    ] as const) {
      expect(await service.deliver(payload(id, s))).toEqual({ status: 'skipped', reason: 'bounced' });
    }
    expect(smtp.to('dave@example.org')).toHaveLength(0);
    expect(await index.matchSubscriptions(CORPUS[0]!)).not.toContainEqual(expect.objectContaining({ id: 'dave' }));
  });

  it('a 4xx refusal is retried (not permanent) and marks nothing', async () => {
    const sub = subscription('frank', 'confirmed');
    await index.saveSubscription(sub);
    smtp.rejectWith = { code: 451, message: 'try again later' };
    const transient = service.deliver(payload('alert.frank.doc1', sub));
    await expect(transient).rejects.toThrow(/try again later/);
    await expect(transient).rejects.not.toThrow(PermanentJobError);
    expect(await index.getDelivery('alert.frank.doc1')).toBeNull();
    expect((await index.getSubscription('frank'))?.status).toBe('confirmed');
    smtp.rejectWith = undefined;
    expect(await service.deliver(payload('alert.frank.doc1', sub))).toEqual({ status: 'sent' });
    const emails = (await metrics.snapshot()).counters.filter((c) => c.name === 'radar_emails_total');
    expect(Object.fromEntries(emails.map((c) => [c.labels.outcome, c.value]))).toEqual({
      sent: 3,
      refused: 1,
      failed: 1,
    });
  });

  it('writes to the outbox atomically when no SMTP server is configured', async () => {
    const outbox = new OutboxMailTransport(join(dir, 'outbox'));
    const viaOutbox = new DeliveryService(config, index, outbox, metrics);
    const sub = subscription('erin', 'confirmed');
    await index.saveSubscription(sub);
    await viaOutbox.deliver(payload('alert.erin.doc1', sub));
    const [entry] = outbox.list();
    expect(entry).toMatchObject({ to: 'erin@example.org', messageId: '<alert.erin.doc1@policy-radar>' });
    expect(entry.subject).toBe('Confirm your Policy Radar subscription');
  });
});
