import { Injectable } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { Agent, interceptors, request, type Dispatcher } from 'undici';

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | { status: 'not-modified' }
  | { status: 'ok'; body: Buffer; contentType?: string; etag?: string; lastModified?: string; finalUrl: string };

/** A response that says something about the source, not the network: retrying soon will not help. */
export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly statusCode: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(`GET ${url} answered HTTP ${statusCode}`);
    this.name = 'HttpStatusError';
  }

  /** 408, 425, 429 and 5xx are worth retrying; other statuses are the source's answer. */
  get transient(): boolean {
    return this.statusCode === 408 || this.statusCode === 425 || this.statusCode === 429 || this.statusCode >= 500;
  }
}

export class ResponseTooLargeError extends Error {
  constructor(url: string, limit: number) {
    super(`GET ${url}: response larger than ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The only code that talks HTTP to sources (undici). Conditional GET, an identifying User-Agent,
 * connect/header/body timeouts plus a total deadline, a redirect limit and a response size cap.
 */
@Injectable()
export class HttpFetcher {
  private readonly dispatcher: Dispatcher;

  constructor(private readonly config: RadarConfig) {
    this.dispatcher = new Agent({
      connectTimeout: Math.min(10000, config.fetchTimeoutMs),
      headersTimeout: config.fetchTimeoutMs,
      bodyTimeout: config.fetchTimeoutMs,
    }).compose(interceptors.redirect({ maxRedirections: 5 }));
  }

  async get(req: FetchRequest): Promise<FetchResult> {
    const headers: Record<string, string> = {
      'user-agent': this.config.userAgent,
      accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
    };
    if (req.etag) headers['if-none-match'] = req.etag;
    if (req.lastModified) headers['if-modified-since'] = req.lastModified;
    const res = await request(req.url, {
      method: 'GET',
      headers,
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(this.config.fetchTimeoutMs),
    });
    if (res.statusCode === 304) {
      await res.body.dump();
      return { status: 'not-modified' };
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      const retryAfter = Number(header(res.headers, 'retry-after'));
      throw new HttpStatusError(req.url, res.statusCode, Number.isFinite(retryAfter) ? retryAfter : undefined);
    }
    const limit = this.config.fetchMaxBytes;
    const declared = Number(header(res.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw new ResponseTooLargeError(req.url, limit);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        res.body.destroy();
        throw new ResponseTooLargeError(req.url, limit);
      }
      chunks.push(chunk as Buffer);
    }
    return {
      status: 'ok',
      body: Buffer.concat(chunks),
      contentType: header(res.headers, 'content-type'),
      etag: header(res.headers, 'etag'),
      lastModified: header(res.headers, 'last-modified'),
      finalUrl: req.url,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }
}
