import { isIP } from 'node:net';
import { RescheduleJobError } from '@radar/queue';
import { blockedAddressReason } from '@radar/net';

/**
 * Everything the HTTP layer can refuse or fail with. Each error names the URL and says what
 * happened in words an operator can act on; `permanent` says whether trying the same URL again
 * soon can help (false: a network or server hiccup, retry; true: fix the source or its URL).
 */
export abstract class FetchError extends Error {
  abstract readonly permanent: boolean;

  protected constructor(
    readonly url: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The opposite of `permanent` (callers that ask "worth retrying?"). */
  get transient(): boolean {
    return !this.permanent;
  }
}

/** A response that says something about the source, not the network: retrying soon will not help. */
export class HttpStatusError extends FetchError {
  constructor(
    url: string,
    readonly statusCode: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(
      url,
      `GET ${url} answered HTTP ${statusCode}` +
        (retryAfterSeconds !== undefined ? ` (Retry-After: ${retryAfterSeconds} s)` : ''),
    );
  }

  /** 408, 425, 429 and 5xx are worth retrying; other statuses are the source's answer. */
  override get transient(): boolean {
    return this.statusCode === 408 || this.statusCode === 425 || this.statusCode === 429 || this.statusCode >= 500;
  }

  get permanent(): boolean {
    return !this.transient;
  }
}

/** The body (after decompression) is larger than FETCH_MAX_BYTES. */
export class ResponseTooLargeError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly limit: number,
    message = `GET ${url}: response larger than ${limit} bytes (FETCH_MAX_BYTES); reading stopped there`,
  ) {
    super(url, message);
  }
}

/** A compressed body that inflates far beyond its size: refused before it is inflated in full. */
export class DecompressionBombError extends ResponseTooLargeError {
  constructor(
    url: string,
    readonly compressedBytes: number,
    readonly decompressedBytes: number,
    readonly maxRatio: number,
  ) {
    super(
      url,
      decompressedBytes,
      `GET ${url}: refused a decompression bomb: ${compressedBytes} compressed bytes had already inflated to ` +
        `${decompressedBytes} bytes (more than ${maxRatio}:1); decompression stopped there`,
    );
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

const PHASE_TEXT: Record<TimeoutPhase, string> = {
  connect: 'could not connect',
  headers: 'no response headers arrived',
  body: 'the body stopped arriving',
  total: 'the whole request did not finish',
};

/** The server was too slow at some phase (FETCH_CONNECT_TIMEOUT_MS, FETCH_TIMEOUT_MS). Transient. */
export class FetchTimeoutError extends FetchError {
  readonly permanent = false;

  constructor(
    url: string,
    readonly phase: TimeoutPhase,
    readonly timeoutMs: number,
    /** Where the request was when the total deadline passed. */
    during?: string,
  ) {
    super(
      url,
      `GET ${url}: ${PHASE_TEXT[phase]} within ${timeoutMs} ms (${phase} timeout${during ? `, ${during}` : ''})`,
    );
  }
}

/** Connection refused or reset, DNS failure, TLS failure: the network, not the source. Transient. */
export class FetchNetworkError extends FetchError {
  readonly permanent = false;

  constructor(
    url: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(url, `GET ${url} failed: ${detail}${code && !detail.includes(code) ? ` (${code})` : ''}`);
  }
}

/** More redirects than FETCH_MAX_REDIRECTS, or a redirect back to a URL already visited. */
export class TooManyRedirectsError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly chain: string[],
    readonly limit: number,
    readonly loop: boolean,
  ) {
    super(
      url,
      loop
        ? `GET ${url}: redirect loop (${chain.join(' -> ')})`
        : `GET ${url}: more than ${limit} redirects (FETCH_MAX_REDIRECTS): ${chain.join(' -> ')}`,
    );
  }
}

/** Only http: and https: URLs are fetched, for the first request and for every redirect. */
export class UnsupportedUrlError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly target: string,
    reason: string,
  ) {
    super(
      url,
      url === target ? `GET ${url} refused: ${reason}` : `GET ${url} refused a redirect to ${target}: ${reason}`,
    );
  }
}

/**
 * The host resolves to (or is) an address the crawler must not reach: private, loopback,
 * link-local, CGNAT, multicast... (SSRF guard). Set `allowPrivateNetwork: true` on the source
 * only when it really lives on such a network.
 */
export class BlockedAddressError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      url,
      `GET ${url} refused: ${host === address ? host : `${host} resolves to ${address}, which`} is ${reason}; ` +
        `set allowPrivateNetwork: true on the source if it is meant to be on a private network`,
    );
  }

  /** For a connection about to be opened to a literal IP (the URL is filled in by the fetcher). */
  static forLiteral(address: string): BlockedAddressError | undefined {
    if (!isIP(address)) return undefined;
    const reason = blockedAddressReason(address);
    return reason ? new BlockedAddressError(`(connection to ${address})`, address, address, reason) : undefined;
  }

  /** Raised at connection time, before the fetcher knew the URL: true until the fetcher names it. */
  get atConnection(): boolean {
    return this.url.startsWith('(connection to ');
  }
}

/** robots.txt of the site disallows this URL for our User-Agent. Permanent for that URL. */
export class RobotsDisallowedError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly robotsUrl: string,
    readonly userAgent: string,
  ) {
    super(url, `GET ${url} refused: ${robotsUrl} disallows it for user-agent "${userAgent}"`);
  }
}

/**
 * robots.txt answered 429/5xx or could not be reached ("unreachable" in RFC 9309): the site is
 * treated as fully disallowed for now and asked again later. Transient.
 */
export class RobotsUnreachableError extends FetchError {
  readonly permanent = false;

  constructor(
    url: string,
    readonly robotsUrl: string,
    detail: string,
  ) {
    super(
      url,
      `GET ${url} postponed: ${robotsUrl} could not be read (${detail}), so the site is treated as disallowed for now`,
    );
  }
}

/** A Content-Encoding we cannot decode. */
export class UnsupportedEncodingError extends FetchError {
  readonly permanent = true;

  constructor(
    url: string,
    readonly encoding: string,
  ) {
    super(url, `GET ${url}: unsupported Content-Encoding "${encoding}" (we accept gzip, deflate, br)`);
  }
}

/** A compressed body that is corrupt. */
export class ContentDecodingError extends FetchError {
  readonly permanent = false;

  constructor(url: string, encoding: string, detail: string) {
    super(url, `GET ${url}: could not decode the ${encoding} body: ${detail}`);
  }
}

/**
 * Another request to the same host holds its lease, or the polite delay since the last one has
 * not passed (FETCH_HOST_DELAY_MS). Not a failure: the job is delayed until `notBefore`.
 */
export class HostBusyError extends RescheduleJobError {
  readonly permanent = false;

  constructor(
    readonly url: string,
    readonly host: string,
    notBefore: number,
  ) {
    super(notBefore, `host ${host} is busy or cooling down; GET ${url} will be retried`);
    this.name = 'HostBusyError';
  }
}

/** True when retrying the same request cannot help: the job should fail for good. */
export function isPermanentFetchError(error: unknown): boolean {
  return error instanceof FetchError && error.permanent;
}
