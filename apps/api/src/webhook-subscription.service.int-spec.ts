import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { HostResolver, type ResolvedAddress } from '@radar/net';
import { SqliteSearchIndex } from '@radar/search';
import { WebhookTransport } from '@radar/webhooks';
import { WebhookSubscriptionService, WebhookUrlRefusedError } from './webhook-subscription.service';

/** `*.internal.example` names answer a private address; others a public one. */
class SplitResolver extends HostResolver {
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    return hostname.endsWith('.internal.example')
      ? [{ address: '10.0.0.7', family: 4 }]
      : [{ address: '93.184.216.34', family: 4 }];
  }
}

describe('WebhookSubscriptionService (real SQLite, SSRF guard on)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radar-webhooks-'));
  let index: SqliteSearchIndex;
  let transport: WebhookTransport;
  let service: WebhookSubscriptionService;

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']); // the service's created/deleted lines are not test output
    index = new SqliteSearchIndex({ file: join(dir, 'radar.sqlite') });
    await index.init();
    transport = new WebhookTransport({
      allowPrivateNetwork: false,
      timeoutMs: 1000,
      userAgent: 'PolicyRadar/test',
      resolver: new SplitResolver(),
    });
    service = new WebhookSubscriptionService(index, transport);
  });

  afterAll(async () => {
    Logger.overrideLogger(new ConsoleLogger());
    await transport.close();
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['http://hooks.example.com/x', 'only https: URLs are allowed'],
    ['https://127.0.0.1/x', '127.0.0.1 is loopback'],
    ['https://169.254.169.254/latest/meta-data', 'link-local (cloud metadata)'],
    ['https://hooks.internal.example/x', 'hooks.internal.example resolves to 10.0.0.7, which is private network'],
    ['https://[::ffff:192.168.1.1]/x', 'private network'],
  ])('refuses %s (%s) and stores nothing', async (url, reason) => {
    const error = await service.create({ url, format: 'json', query: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookUrlRefusedError);
    expect((error as Error).message).toContain(reason);
    expect(await service.list()).toEqual([]);
  });

  it('creates a confirmed webhook subscription with a fresh secret; get/list/delete see only webhooks', async () => {
    const created = await service.create({
      url: 'https://hooks.slack.com/services/T000/B000/XXXX',
      format: 'slack',
      query: ' sector:semiconductors ',
      sectors: ['semiconductors', 'semiconductors'],
      createdBy: 'policy-desk',
    });
    expect(created).toMatchObject({
      email: '',
      query: 'sector:semiconductors',
      status: 'confirmed',
      frequency: 'instant',
      sectors: ['semiconductors'],
      target: { kind: 'webhook', url: 'https://hooks.slack.com/services/T000/B000/XXXX', format: 'slack' },
      createdBy: 'policy-desk',
    });
    expect(created.webhookSecret).toMatch(/^whsec_/);
    expect((await service.list()).map((s) => s.id)).toEqual([created.id]);
    await index.saveSubscription({ ...created, id: 'email-sub', email: 'a@example.org', target: undefined });
    expect(await service.get('email-sub')).toBeNull();
    expect(await service.delete('email-sub')).toBe(false);
    expect(await index.getSubscription('email-sub')).not.toBeNull();
    expect(await service.delete(created.id)).toBe(true);
    expect(await service.list()).toEqual([]);
  });
});
