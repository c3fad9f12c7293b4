import { HostResolver, type ResolvedAddress } from '@radar/net';
import { WebhookReceiver } from '@radar/testing';
import { webhookUrlProblem, WebhookTransport } from './webhook-transport.adapter';

/** Every name answers 127.0.0.1 (a hostile DNS answer for a public-looking name). */
class LoopbackResolver extends HostResolver {
  async resolve(): Promise<ResolvedAddress[]> {
    return [{ address: '127.0.0.1', family: 4 }];
  }
}

describe('WebhookTransport (real loopback receiver)', () => {
  let receiver: WebhookReceiver;
  let open: WebhookTransport;
  let guarded: WebhookTransport;
  const post = (transport: WebhookTransport, url: string) =>
    transport.post({ url, body: '{"a":1}', headers: { 'x-radar-delivery': 'd1' } });

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    open = new WebhookTransport({ allowPrivateNetwork: true, timeoutMs: 1000, userAgent: 'PolicyRadar/test' });
    guarded = new WebhookTransport({
      allowPrivateNetwork: false,
      timeoutMs: 1000,
      userAgent: 'PolicyRadar/test',
      resolver: new LoopbackResolver(),
    });
  });

  afterAll(async () => {
    await open.close();
    await guarded.close();
    await receiver.stop();
  });

  beforeEach(() => {
    receiver.posts.length = 0;
  });

  it('posts the body as JSON with our headers; 2xx is delivered', async () => {
    receiver.answer({ status: 204 });
    expect(await post(open, `${receiver.url}/hook`)).toMatchObject({ ok: true, status: 204 });
    expect(receiver.posts).toHaveLength(1);
    expect(receiver.posts[0]).toMatchObject({ path: '/hook', body: '{"a":1}' });
    expect(receiver.posts[0]!.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'PolicyRadar/test',
      'x-radar-delivery': 'd1',
    });
  });

  it.each([
    [500, false],
    [503, false],
    [408, false],
    [429, false],
    [400, true],
    [401, true],
    [404, true],
    [410, true],
    [301, true],
  ])('HTTP %i: permanent=%s', async (status, permanent) => {
    receiver.answer({ status, body: 'receiver says no' });
    const result = await post(open, `${receiver.url}/hook`);
    expect(result).toMatchObject({ ok: false, permanent, status });
    expect(!result.ok && result.message).toMatch(new RegExp(`answered HTTP ${status}.*: receiver says no`));
  });

  it('a receiver that does not answer in time is a transient failure', async () => {
    receiver.answer('hang');
    const result = await post(open, `${receiver.url}/slow`);
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.message).toContain('no answer within 1000 ms');
    receiver.answer({ status: 200 });
  });

  it('a refused connection is transient', async () => {
    const result = await post(open, 'http://127.0.0.1:1/hook');
    expect(result).toMatchObject({ ok: false, permanent: false });
  });

  it('SSRF guard: private addresses and names resolving to them are refused before connecting', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [
      `https://127.0.0.1:${port}/hook`,
      `https://hooks.example.com:${port}/hook`,
      'https://169.254.169.254/latest',
      'https://[::1]/hook',
    ]) {
      const result = await post(guarded, url);
      expect(result).toMatchObject({ ok: false, permanent: true });
      expect(!result.ok && result.message).toMatch(/refused: .*(loopback|link-local)/);
    }
    expect(receiver.posts).toHaveLength(0);
    expect(await guarded.refusal('http://hooks.example.com/x')).toBe('only https: URLs are allowed');
  });

  it('URL rules', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/T/B/x', false)).toBeUndefined();
    expect(webhookUrlProblem('http://hooks.example.com/x', false)).toBe('only https: URLs are allowed');
    expect(webhookUrlProblem('http://hooks.example.com/x', true)).toBeUndefined();
    expect(webhookUrlProblem('ftp://hooks.example.com/x', true)).toBe('only http: and https: URLs are allowed');
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/x', false)).toMatch(/credentials/);
    expect(webhookUrlProblem('not a url', false)).toBe('not a valid URL');
  });
});
