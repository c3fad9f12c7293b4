import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createTestEnv, pollUntil, TestEnv } from '@radar/testing';
import {
  BlockedAddressError,
  DecompressionBombError,
  FetchResult,
  FetchTimeoutError,
  HostBusyError,
  HostResolver,
  HttpFetcher,
  HttpStatusError,
  isPermanentFetchError,
  ResponseTooLargeError,
  RobotsDisallowedError,
  RobotsUnreachableError,
  SystemHostResolver,
  TooManyRedirectsError,
  UnsupportedUrlError,
} from './http-fetcher.adapter';
import { RescheduleJobError } from '@radar/queue';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on loopback; each test gets its own paths and, through the resolver, its own host name. */
class LoopbackServer {
  readonly routes = new Map<string, Handler>();
  readonly requests: { host: string; path: string; at: number; headers: IncomingMessage['headers'] }[] = [];
  private server?: Server;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push({ host: req.headers.host ?? '', path, at: Date.now(), headers: req.headers });
      const handler = this.routes.get(path);
      if (handler) handler(req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** http://<name>.test:<port><path>; every *.test name resolves to 127.0.0.1 in these tests. */
  url(name: string, path: string): string {
    return `http://${name}.test:${this.port}${path}`;
  }

  hits(name: string, path?: string): number {
    return this.requests.filter((r) => r.host.startsWith(`${name}.test`) && (path === undefined || r.path === path))
      .length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** `*.test` names answer 127.0.0.1 (so each test has its own host for the gate and robots.txt); nothing else resolves. */
class TestResolver extends HostResolver {
  readonly lookups: string[] = [];
  private readonly system = new SystemHostResolver();

  async resolve(hostname: string) {
    this.lookups.push(hostname);
    if (hostname.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }];
    if (hostname === 'localhost') return this.system.resolve(hostname);
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
}

const FEED = '<rss version="2.0"><channel><title>Fixture</title></channel></rss>';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the fetch to fail');
}

describe('HttpFetcher (real loopback HTTP servers, real Redis)', () => {
  let env: TestEnv;
  let server: LoopbackServer;
  let fetcher: HttpFetcher;
  let resolver: TestResolver;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    server = await new LoopbackServer().start();
    env = createTestEnv({
      FETCH_TIMEOUT_MS: '2000',
      FETCH_CONNECT_TIMEOUT_MS: '1000',
      FETCH_MAX_BYTES: String(8 * 1024 * 1024),
      FETCH_MAX_REDIRECTS: '3',
      FETCH_HOST_DELAY_MS: '0',
    });
    resolver = new TestResolver();
    fetcher = new HttpFetcher(env.config, resolver);
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    await fetcher?.close();
    await server?.stop();
    await env?.cleanup();
  });

  const get = (name: string, path: string, extra: Partial<Parameters<HttpFetcher['get']>[0]> = {}) =>
    fetcher.get({ url: server.url(name, path), allowPrivateNetwork: true, ...extra });

  describe('conditional GET and identity', () => {
    it('sends our User-Agent and Accept-Encoding, and uses the ETag (304)', async () => {
      server.routes.set('/etag', (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
        else res.writeHead(200, { etag: '"v1"', 'content-type': 'application/rss+xml' }).end(FEED);
      });
      const first = await get('etag', '/etag');
      expect(first).toMatchObject({ status: 'ok', etag: '"v1"', contentType: 'application/rss+xml' });
      expect((first as Extract<FetchResult, { status: 'ok' }>).body.toString()).toBe(FEED);
      expect(await get('etag', '/etag', { etag: '"v1"' })).toMatchObject({ status: 'not-modified' });
      const sent = server.requests.filter((r) => r.path === '/etag').map((r) => r.headers);
      expect(sent.every((h) => h['user-agent'] === env.config.userAgent)).toBe(true);
      expect(sent[0]!['accept-encoding']).toBe('gzip, deflate, br');
      expect(sent[1]!['if-none-match']).toBe('"v1"');
    });

    it('uses Last-Modified (304)', async () => {
      const stamp = 'Wed, 21 Oct 2026 07:28:00 GMT';
      server.routes.set('/lm', (req, res) => {
        if (req.headers['if-modified-since'] === stamp) res.writeHead(304).end();
        else res.writeHead(200, { 'last-modified': stamp }).end(FEED);
      });
      expect(await get('lm', '/lm')).toMatchObject({ status: 'ok', lastModified: stamp });
      expect(await get('lm', '/lm', { lastModified: stamp })).toMatchObject({ status: 'not-modified' });
    });
  });

  describe('Retry-After', () => {
    it('429 with seconds: transient, with the wait, and the whole host pauses for it', async () => {
      server.routes.set('/limited', (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('slow down'));
      const error = await failure(get('limited', '/limited'));
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toMatchObject({ statusCode: 429, retryAfterSeconds: 120, transient: true });
      expect(error.message).toBe(`GET ${server.url('limited', '/limited')} answered HTTP 429 (Retry-After: 120 s)`);
      // Every source on that host now waits: the next request is delayed, not sent.
      const busy = await failure(get('limited', '/other-feed'));
      expect(busy).toBeInstanceOf(HostBusyError);
      expect(busy).toBeInstanceOf(RescheduleJobError);
      expect((busy as HostBusyError).notBefore).toBeGreaterThan(Date.now() + 100000);
      expect(server.hits('limited', '/other-feed')).toBe(0);
    });

    it('503 with an HTTP-date', async () => {
      const at = new Date(Date.now() + 90000).toUTCString();
      server.routes.set('/down', (_req, res) => res.writeHead(503, { 'retry-after': at }).end());
      const error = (await failure(get('down', '/down'))) as HttpStatusError;
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error.transient).toBe(true);
      expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(80);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(91);
    });

    it('a 404 is permanent', async () => {
      const error = await failure(get('missing', '/nothing-here'));
      expect(error).toMatchObject({ statusCode: 404, transient: false });
      expect(isPermanentFetchError(error)).toBe(true);
    });
  });

  describe('timeouts and size caps', () => {
    it('gives up on a server that never sends headers, within the configured time', async () => {
      server.routes.set('/hang', (_req, res) => void held.push(res));
      const started = Date.now();
      const error = await failure(get('hang', '/hang'));
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(FetchTimeoutError);
      expect(['headers', 'total']).toContain((error as FetchTimeoutError).phase);
      expect(error.message).toContain(server.url('hang', '/hang'));
      expect(elapsed).toBeGreaterThanOrEqual(1500);
      expect(elapsed).toBeLessThan(2000 + 4000);
      expect(isPermanentFetchError(error)).toBe(false);
    });

    it('stops a body that trickles forever at the total deadline', async () => {
      server.routes.set('/trickle', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
      });
      const started = Date.now();
      const error = await failure(get('trickle', '/trickle'));
      expect(error).toBeInstanceOf(FetchTimeoutError);
      expect(error).toMatchObject({ phase: 'total', timeoutMs: 2000 });
      expect(error.message).toMatch(/within 2000 ms \(total timeout, while reading the body\)/);
      expect(Date.now() - started).toBeLessThan(2000 + 4000);
    });

    it('stops an endless fast body at the size cap', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      server.routes.set('/endless', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        let open = true;
        res.on('close', () => (open = false));
        const pump = () => {
          while (open && res.write(chunk));
          if (open) res.once('drain', pump);
        };
        pump();
      });
      const error = await failure(get('endless', '/endless'));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error.message).toBe(
        `GET ${server.url('endless', '/endless')}: response larger than ${8 * 1024 * 1024} bytes (FETCH_MAX_BYTES); reading stopped there`,
      );
    });

    it('refuses a declared Content-Length over the cap without reading it', async () => {
      server.routes.set('/declared', (_req, res) => {
        res.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
        res.write('x');
        held.push(res);
      });
      await expect(get('declared', '/declared')).rejects.toThrow(ResponseTooLargeError);
    });
  });

  describe('compression', () => {
    const text = Buffer.from(`${FEED}\n`.repeat(500));

    it.each([
      ['gzip', gzipSync(text)],
      ['deflate', deflateSync(text)],
      ['br', brotliCompressSync(text)],
    ])('decodes %s', async (coding, encoded) => {
      server.routes.set(`/enc-${coding}`, (_req, res) =>
        res.writeHead(200, { 'content-encoding': coding, 'content-length': String(encoded.length) }).end(encoded),
      );
      const result = await get(`enc-${coding}`, `/enc-${coding}`);
      expect(result.status).toBe('ok');
      const ok = result as Extract<FetchResult, { status: 'ok' }>;
      expect(ok.body.equals(text)).toBe(true);
      expect(ok.wireBytes).toBe(encoded.length);
    });

    it('refuses a gzip bomb (50 MB of zeros) after inflating about a megabyte', async () => {
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024));
      server.routes.set('/bomb', (_req, res) =>
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(bomb),
      );
      const error = await failure(get('bomb', '/bomb'));
      expect(error).toBeInstanceOf(DecompressionBombError);
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as DecompressionBombError).decompressedBytes).toBeLessThan(4 * 1024 * 1024);
      expect(error.message).toContain(server.url('bomb', '/bomb'));
    });
  });

  describe('redirects and schemes', () => {
    it('follows a redirect and reports the final URL', async () => {
      server.routes.set('/moved', (_req, res) => res.writeHead(301, { location: '/feed-here' }).end());
      server.routes.set('/feed-here', (_req, res) => res.writeHead(200).end(FEED));
      expect(await get('moved', '/moved')).toMatchObject({ status: 'ok', finalUrl: server.url('moved', '/feed-here') });
    });

    it('names a redirect loop', async () => {
      server.routes.set('/loop-a', (_req, res) => res.writeHead(302, { location: '/loop-b' }).end());
      server.routes.set('/loop-b', (_req, res) => res.writeHead(302, { location: '/loop-a' }).end());
      const error = await failure(get('loop', '/loop-a'));
      expect(error).toBeInstanceOf(TooManyRedirectsError);
      expect(error).toMatchObject({ loop: true });
      expect(error.message).toBe(
        `GET ${server.url('loop', '/loop-a')}: redirect loop (${server.url('loop', '/loop-a')} -> ${server.url('loop', '/loop-b')} -> ${server.url('loop', '/loop-a')})`,
      );
      expect(server.hits('loop')).toBe(2);
    });

    it('stops after FETCH_MAX_REDIRECTS', async () => {
      for (let i = 0; i < 10; i++) {
        server.routes.set(`/hop-${i}`, (_req, res) => res.writeHead(307, { location: `/hop-${i + 1}` }).end());
      }
      const error = await failure(get('hops', '/hop-0'));
      expect(error).toBeInstanceOf(TooManyRedirectsError);
      expect(error.message).toMatch(/more than 3 redirects \(FETCH_MAX_REDIRECTS\)/);
      expect(server.hits('hops')).toBe(4);
    });

    it('refuses a redirect to a non-http scheme', async () => {
      server.routes.set('/to-file', (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end());
      const error = await failure(get('scheme', '/to-file'));
      expect(error).toBeInstanceOf(UnsupportedUrlError);
      expect(error.message).toBe(
        `GET ${server.url('scheme', '/to-file')} refused a redirect to file:///etc/passwd: only http: and https: URLs are fetched, not file:`,
      );
      await expect(fetcher.get({ url: 'ftp://ftp.agency.test/feed.xml' })).rejects.toThrow(UnsupportedUrlError);
    });
  });

  describe('robots.txt (HTML pages only)', () => {
    beforeAll(() => {
      server.routes.set('/robots.txt', (req, res) => {
        if (req.headers.host?.startsWith('robots-down.test')) return void res.writeHead(503).end();
        if (req.headers.host?.startsWith('robots-none.test')) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: PolicyRadar\nDisallow: /private/\n');
      });
      server.routes.set('/private/page.html', (_req, res) => res.writeHead(200).end('<html></html>'));
      server.routes.set('/public/page.html', (_req, res) => res.writeHead(200).end('<html></html>'));
    });

    it('refuses a disallowed page, allows the rest, and reads robots.txt once', async () => {
      const error = await failure(get('robots', '/private/page.html', { purpose: 'html' }));
      expect(error).toBeInstanceOf(RobotsDisallowedError);
      expect(error.message).toBe(
        `GET ${server.url('robots', '/private/page.html')} refused: ${server.url('robots', '/robots.txt')} disallows it for user-agent "PolicyRadar"`,
      );
      expect(isPermanentFetchError(error)).toBe(true);
      expect(await get('robots', '/public/page.html', { purpose: 'html' })).toMatchObject({ status: 'ok' });
      expect(server.hits('robots', '/private/page.html')).toBe(0);
      expect(server.hits('robots', '/robots.txt')).toBe(1);
      expect(server.requests.find((r) => r.path === '/robots.txt')!.headers['user-agent']).toBe(env.config.userAgent);
    });

    it('does not consult robots.txt for feeds and APIs', async () => {
      expect(await get('robots-feed', '/private/page.html')).toMatchObject({ status: 'ok' });
      expect(await get('robots-feed', '/private/page.html', { purpose: 'api' })).toMatchObject({ status: 'ok' });
      expect(server.hits('robots-feed', '/robots.txt')).toBe(0);
    });

    it('treats a missing robots.txt as allow-all and a failing one as closed for now', async () => {
      expect(await get('robots-none', '/private/page.html', { purpose: 'html' })).toMatchObject({ status: 'ok' });
      const error = await failure(get('robots-down', '/public/page.html', { purpose: 'html' }));
      expect(error).toBeInstanceOf(RobotsUnreachableError);
      expect(isPermanentFetchError(error)).toBe(false);
      expect(server.hits('robots-down', '/public/page.html')).toBe(0);
    });
  });

  describe('SSRF guard', () => {
    it.each([
      ['http://127.0.0.1:PORT/feed.xml', 'loopback'],
      ['http://10.0.0.1/feed.xml', 'private network'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
      ['http://[::1]:PORT/feed.xml', 'loopback'],
      ['http://[::ffff:127.0.0.1]:PORT/feed.xml', 'loopback (IPv4-mapped 127.0.0.1)'],
      ['http://0x7f000001:PORT/feed.xml', 'loopback'],
    ])('refuses %s before connecting (%s)', async (template, reason) => {
      const before = server.requests.length;
      const url = template.replace('PORT', String(server.port));
      const error = await failure(fetcher.get({ url }));
      expect(error).toBeInstanceOf(BlockedAddressError);
      expect((error as BlockedAddressError).reason).toBe(reason);
      expect(error.message).toContain('set allowPrivateNetwork: true on the source');
      expect(isPermanentFetchError(error)).toBe(true);
      expect(server.requests.length).toBe(before);
    });

    it('refuses a name that resolves to loopback, saying what it resolved to', async () => {
      const error = await failure(fetcher.get({ url: server.url('internal', '/feed.xml') }));
      expect(error).toBeInstanceOf(BlockedAddressError);
      expect(error.message).toBe(
        `GET ${server.url('internal', '/feed.xml')} refused: internal.test resolves to 127.0.0.1, which is loopback; ` +
          'set allowPrivateNetwork: true on the source if it is meant to be on a private network',
      );
      expect(server.hits('internal')).toBe(0);
    });

    it('connects through its own resolver, so the address checked is the address connected to', async () => {
      server.routes.set('/pinned', (_req, res) => res.writeHead(200).end(FEED));
      const lookupsBefore = resolver.lookups.filter((h) => h === 'pinned.test').length;
      expect(await get('pinned', '/pinned')).toMatchObject({ status: 'ok' }); // pinned.test exists only in TestResolver
      expect(resolver.lookups.filter((h) => h === 'pinned.test').length).toBeGreaterThan(lookupsBefore);
    });
  });

  describe('host gate', () => {
    it('lets one request at a time reach a host; the second is told when to come back', async () => {
      server.routes.set('/slow-feed', (_req, res) => void held.push(res));
      const first = get('gate', '/slow-feed');
      await pollUntil(
        () => server.hits('gate', '/slow-feed'),
        (n) => n === 1,
        { what: 'the first request to arrive', intervalMs: 20 },
      );
      const busy = await failure(get('gate', '/another-feed'));
      expect(busy).toBeInstanceOf(HostBusyError);
      expect((busy as HostBusyError).notBefore).toBeGreaterThan(Date.now() - 1000);
      expect(busy.message).toContain(`host gate.test is busy`);
      expect(server.hits('gate', '/another-feed')).toBe(0);
      held.pop()!.writeHead(200).end(FEED);
      expect(await first).toMatchObject({ status: 'ok' });
      server.routes.set('/another-feed', (_req, res) => res.writeHead(200).end(FEED));
      expect(await get('gate', '/another-feed')).toMatchObject({ status: 'ok' }); // delay 0: free at once
    });

    describe('with FETCH_HOST_DELAY_MS=200, two crawler processes', () => {
      let slowEnv: TestEnv;
      let a: HttpFetcher;
      let b: HttpFetcher;

      beforeAll(() => {
        slowEnv = createTestEnv({ FETCH_TIMEOUT_MS: '2000', FETCH_HOST_DELAY_MS: '200' });
        a = new HttpFetcher(slowEnv.config, resolver);
        b = new HttpFetcher(slowEnv.config, resolver); // its own agents and Redis connection: another process
      });

      afterAll(async () => {
        await a?.close();
        await b?.close();
        await slowEnv?.cleanup();
      });

      it('share the gate through Redis and keep the delay between requests', async () => {
        server.routes.set('/polite', (_req, res) => res.writeHead(200).end(FEED));
        const url = server.url('polite', '/polite');
        expect(await a.get({ url, allowPrivateNetwork: true })).toMatchObject({ status: 'ok' });
        const busy = await failure(b.get({ url, allowPrivateNetwork: true }));
        expect(busy).toBeInstanceOf(HostBusyError);
        const { notBefore } = busy as HostBusyError;
        const firstAt = server.requests.filter((r) => r.host.startsWith('polite.test')).at(-1)!.at;
        expect(notBefore).toBeGreaterThanOrEqual(firstAt + 200 - 50);
        await pollUntil(
          () => b.get({ url, allowPrivateNetwork: true }).catch((e: Error) => e),
          (r) => !(r instanceof Error),
          { what: 'process b to get its turn', intervalMs: 25, timeoutMs: 10000 },
        );
        const times = server.requests.filter((r) => r.host.startsWith('polite.test')).map((r) => r.at);
        expect(times).toHaveLength(2);
        expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(200 - 20);
        expect(times[1]!).toBeGreaterThanOrEqual(notBefore - 20);
      });
    });
  });
});
