import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { createGuardedAgent } from '@radar/net';
import { request, type Dispatcher } from 'undici';
import { DEFAULT_BOMB_GUARD, parseContentEncoding, readBody } from './http/decompress';
import {
  BlockedAddressError,
  FetchError,
  FetchNetworkError,
  FetchTimeoutError,
  HostBusyError,
  HttpStatusError,
  ResponseTooLargeError,
  TooManyRedirectsError,
  UnsupportedUrlError,
  type TimeoutPhase,
} from './http/fetch-errors';
import { HostLease, RedisHostGate } from './http/host-gate';
import { parseRetryAfter } from './http/retry-after';
import { RobotsAnswer, RobotsCache } from './http/robots';
import { assertPublicHost, bareHostname, HostResolver, refuseConnection, SystemHostResolver } from './http/ssrf-guard';

export * from './http/fetch-errors';
export { HostResolver, SystemHostResolver } from './http/ssrf-guard';

export type FetchPurpose = 'feed' | 'api' | 'html';

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
  /** What is fetched: decides the Accept header; only 'html' pages are checked against robots.txt. Default 'feed'. */
  purpose?: FetchPurpose;
  /** Lets the URL (and its redirects) reach private, loopback or link-local addresses. Default false. */
  allowPrivateNetwork?: boolean;
  /** For log lines. */
  sourceId?: string;
  /** Extra request headers (an API key): sent to the first URL's host only, never across a redirect to another host. */
  headers?: Record<string, string>;
}

export type FetchResult =
  | { status: 'not-modified'; finalUrl?: string }
  | {
      status: 'ok';
      body: Buffer;
      contentType?: string;
      etag?: string;
      lastModified?: string;
      finalUrl: string;
      /** Bytes read from the network (compressed size when Content-Encoding was used). */
      wireBytes?: number;
    };

const ACCEPT: Record<FetchPurpose, string> = {
  feed: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
  api: 'application/json, application/xml;q=0.9, */*;q=0.5',
  html: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5',
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** robots.txt larger than this is not read (RFC 9309 asks parsers to read at least 500 KiB). */
const ROBOTS_MAX_BYTES = 512 * 1024;
/** Redirects followed for robots.txt (RFC 9309: at least five). */
const ROBOTS_MAX_REDIRECTS = 5;
/** Longest a Retry-After may keep a whole host quiet for every source on it. */
const MAX_HOST_PAUSE_MS = 3600 * 1000;

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The one deadline of a get(): covers DNS, lease, robots.txt, every redirect and the whole body. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(readonly ms: number) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(new Error(`deadline of ${ms} ms passed`));
    }, ms);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** Where a request was when it stalled, for the error message. */
type Stage = 'resolving' | 'headers' | 'body';

/**
 * The only code that talks HTTP to sources (undici). Polite: an identifying User-Agent, one
 * request at a time per host and a pause between requests (coordinated across crawler
 * processes through Redis; a request that cannot go now throws HostBusyError so its job is
 * delayed, never sleeping in a worker), robots.txt for HTML pages, conditional GET, Retry-After.
 * Safe: only http(s), an SSRF guard on every hop that also pins the connection to the checked
 * address, connect/headers/body-idle timeouts plus a total deadline, a redirect limit, and a
 * size cap on the decompressed body with a decompression-bomb guard.
 */
@Injectable()
export class HttpFetcher implements OnModuleDestroy {
  private readonly logger = new Logger(HttpFetcher.name);
  /** Connects only to addresses that pass the SSRF guard. */
  private readonly guarded: Dispatcher;
  /** For sources with allowPrivateNetwork: same resolver, no address check. */
  private readonly open: Dispatcher;
  private readonly resolver: HostResolver;
  private readonly gate: RedisHostGate;
  private readonly robots: RobotsCache;
  private readonly bodyIdleMs: number;

  constructor(
    private readonly config: RadarConfig,
    @Optional() resolver?: HostResolver,
  ) {
    this.resolver = resolver ?? new SystemHostResolver();
    this.bodyIdleMs = Math.max(1000, Math.floor(config.fetchTimeoutMs / 2));
    // The shared guarded dispatcher: names checked at connect time, literal IPs before connecting.
    const agent = (checked: boolean) =>
      createGuardedAgent({
        resolver: this.resolver,
        checked,
        connectTimeoutMs: config.fetchConnectTimeoutMs,
        headersTimeoutMs: config.fetchTimeoutMs,
        bodyTimeoutMs: this.bodyIdleMs,
        connections: 4,
        refuse: refuseConnection,
      });
    this.guarded = agent(true);
    this.open = agent(false);
    // The lease outlives the deadline of the request holding it; a crashed process frees it by expiry.
    this.gate = new RedisHostGate(config, config.fetchTimeoutMs + 5000);
    this.robots = new RobotsCache(config.userAgent);
  }

  async get(req: FetchRequest): Promise<FetchResult> {
    const purpose = req.purpose ?? 'feed';
    const allowPrivate = req.allowPrivateNetwork ?? false;
    const deadline = new Deadline(this.config.fetchTimeoutMs);
    const leases = new Map<string, HostLease>();
    const log = `${req.sourceId ? `source=${req.sourceId} ` : ''}url=${req.url}`;
    let hostPauseUntil = 0;
    let current = req.url;
    let stage: Stage = 'resolving';
    try {
      let url = this.httpUrl(req.url, req.url);
      const chain = [url.href];
      for (;;) {
        current = url.href;
        stage = 'resolving';
        await this.enter(req.url, url, allowPrivate, leases);
        if (purpose === 'html') {
          await this.robots.check(url.href, (robotsUrl) => this.fetchRobots(robotsUrl, allowPrivate, deadline));
        }
        const headers: Record<string, string> = {
          'user-agent': this.config.userAgent,
          accept: ACCEPT[purpose],
          'accept-encoding': 'gzip, deflate, br',
        };
        if (req.etag) headers['if-none-match'] = req.etag;
        if (req.lastModified) headers['if-modified-since'] = req.lastModified;
        if (req.headers && url.host === new URL(req.url).host) Object.assign(headers, req.headers);
        stage = 'headers';
        const res = await this.send(url, headers, allowPrivate, deadline);
        const location = header(res.headers, 'location');
        if (REDIRECT_STATUSES.has(res.statusCode) && location) {
          await res.body.dump().catch(() => undefined);
          const next = this.httpUrl(req.url, location, url);
          if (chain.includes(next.href)) {
            throw new TooManyRedirectsError(req.url, [...chain, next.href], this.config.fetchMaxRedirects, true);
          }
          chain.push(next.href);
          if (chain.length - 1 > this.config.fetchMaxRedirects) {
            throw new TooManyRedirectsError(req.url, chain, this.config.fetchMaxRedirects, false);
          }
          this.logger.debug(`${log} redirect ${res.statusCode} -> ${next.href}`);
          url = next;
          continue;
        }
        if (res.statusCode === 304) {
          await res.body.dump().catch(() => undefined);
          this.logger.debug(`${log} not-modified`);
          return { status: 'not-modified', finalUrl: url.href };
        }
        if (res.statusCode < 200 || res.statusCode >= 300) {
          await res.body.dump().catch(() => undefined);
          const retryAfter = parseRetryAfter(header(res.headers, 'retry-after'));
          if ((res.statusCode === 429 || res.statusCode === 503) && retryAfter !== undefined) {
            hostPauseUntil = Date.now() + Math.min(retryAfter * 1000, MAX_HOST_PAUSE_MS);
          }
          throw new HttpStatusError(url.href, res.statusCode, retryAfter);
        }
        const limit = this.config.fetchMaxBytes;
        const declared = Number(header(res.headers, 'content-length'));
        if (Number.isFinite(declared) && declared > limit) {
          res.body.destroy();
          throw new ResponseTooLargeError(url.href, limit);
        }
        stage = 'body';
        const codings = parseContentEncoding(url.href, header(res.headers, 'content-encoding'));
        const { body, wireBytes } = await readBody(
          url.href,
          res.body,
          codings,
          { maxBytes: limit, ...DEFAULT_BOMB_GUARD },
          deadline.signal,
        );
        this.logger.debug(`${log} ok status=${res.statusCode} bytes=${body.length} wire=${wireBytes}`);
        return {
          status: 'ok',
          body,
          contentType: header(res.headers, 'content-type'),
          etag: header(res.headers, 'etag'),
          lastModified: header(res.headers, 'last-modified'),
          finalUrl: url.href,
          wireBytes,
        };
      }
    } catch (error) {
      const explained = this.explain(error, current, stage, deadline);
      if (!(explained instanceof HostBusyError)) this.logger.debug(`${log} failed: ${explained.message}`);
      throw explained;
    } finally {
      deadline.clear();
      await this.releaseAll(leases, hostPauseUntil, log);
    }
  }

  /** Checks one hop before anything is sent: scheme (done by httpUrl), SSRF, then the host's lease. */
  private async enter(requestUrl: string, url: URL, allowPrivate: boolean, leases: Map<string, HostLease>) {
    if (!allowPrivate) await assertPublicHost(requestUrl, url, this.resolver);
    const host = bareHostname(url).toLowerCase();
    if (leases.has(host)) return;
    const decision = await this.gate.acquire(host);
    if (!decision.granted) throw new HostBusyError(url.href, host, decision.notBefore);
    leases.set(host, decision.lease);
  }

  private async releaseAll(leases: Map<string, HostLease>, pauseUntil: number, log: string): Promise<void> {
    for (const lease of leases.values()) {
      try {
        await this.gate.release(lease, pauseUntil);
      } catch (error) {
        // The lease expires by itself; the host just rests a little longer than needed.
        this.logger.warn(`${log} could not release the lease on ${lease.host}: ${(error as Error).message}`);
      }
    }
  }

  /** One HTTP exchange, no redirects followed. */
  private async send(
    url: URL,
    headers: Record<string, string>,
    allowPrivate: boolean,
    deadline: Deadline,
  ): Promise<Dispatcher.ResponseData> {
    return request(url, {
      method: 'GET',
      headers,
      dispatcher: allowPrivate ? this.open : this.guarded,
      signal: deadline.signal,
    });
  }

  /** robots.txt for a host whose lease we hold: same guard, same deadline, its own redirects and cap. */
  private async fetchRobots(robotsUrl: string, allowPrivate: boolean, deadline: Deadline): Promise<RobotsAnswer> {
    let url = new URL(robotsUrl);
    for (let hop = 0; ; hop++) {
      if (!allowPrivate) await assertPublicHost(robotsUrl, url, this.resolver);
      const res = await this.send(
        url,
        {
          'user-agent': this.config.userAgent,
          accept: 'text/plain, */*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
        },
        allowPrivate,
        deadline,
      );
      const location = header(res.headers, 'location');
      if (REDIRECT_STATUSES.has(res.statusCode) && location && hop < ROBOTS_MAX_REDIRECTS) {
        await res.body.dump().catch(() => undefined);
        url = this.httpUrl(robotsUrl, location, url);
        continue;
      }
      if (res.statusCode < 200 || res.statusCode >= 300) {
        await res.body.dump().catch(() => undefined);
        return { status: res.statusCode, body: '' };
      }
      const codings = parseContentEncoding(url.href, header(res.headers, 'content-encoding'));
      const { body } = await readBody(
        url.href,
        res.body,
        codings,
        { maxBytes: ROBOTS_MAX_BYTES, ...DEFAULT_BOMB_GUARD },
        deadline.signal,
      );
      return { status: res.statusCode, body: body.toString('utf8') };
    }
  }

  /** Parses `target` (relative to `base`) and refuses anything but http: and https:. */
  private httpUrl(requestUrl: string, target: string, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(target, base);
    } catch {
      throw new UnsupportedUrlError(requestUrl, target, 'not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UnsupportedUrlError(
        requestUrl,
        url.href,
        `only http: and https: URLs are fetched, not ${url.protocol}`,
      );
    }
    if (url.username || url.password) {
      throw new UnsupportedUrlError(requestUrl, url.href, 'URLs with credentials are not fetched');
    }
    url.hash = '';
    return url;
  }

  /** Turns undici/network errors into a FetchError that names the URL and what went wrong. */
  private explain(error: unknown, url: string, stage: Stage, deadline: Deadline): Error {
    const blocked = findCause(error, BlockedAddressError);
    if (blocked?.atConnection) return new BlockedAddressError(url, blocked.host, blocked.address, blocked.reason);
    if (error instanceof HostBusyError || error instanceof FetchError) return error;
    if (deadline.expired) return new FetchTimeoutError(url, 'total', deadline.ms, STAGE_TEXT[stage]);
    const code = codeOf(error);
    const phase: TimeoutPhase | undefined =
      code === 'UND_ERR_CONNECT_TIMEOUT'
        ? 'connect'
        : code === 'UND_ERR_HEADERS_TIMEOUT'
          ? 'headers'
          : code === 'UND_ERR_BODY_TIMEOUT'
            ? 'body'
            : undefined;
    if (phase) {
      const ms =
        phase === 'connect'
          ? this.config.fetchConnectTimeoutMs
          : phase === 'headers'
            ? this.config.fetchTimeoutMs
            : this.bodyIdleMs;
      return new FetchTimeoutError(url, phase, ms);
    }
    if (error instanceof Error) {
      const cause = (error as Error & { cause?: unknown }).cause;
      const detail =
        cause instanceof Error && cause.message !== error.message
          ? `${error.message}: ${cause.message}`
          : error.message;
      return new FetchNetworkError(url, code, detail);
    }
    return new FetchNetworkError(url, undefined, String(error));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.guarded.close(), this.open.close(), this.gate.close()]);
  }

  /** Same as onModuleDestroy, for code that builds a fetcher outside Nest (tests, CLI). */
  async close(): Promise<void> {
    await this.onModuleDestroy();
  }
}

const STAGE_TEXT: Record<Stage, string> = {
  resolving: 'while resolving the host or waiting for robots.txt',
  headers: 'while waiting for response headers',
  body: 'while reading the body',
};

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}
