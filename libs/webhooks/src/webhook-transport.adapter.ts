/**
 * The only code that POSTs to webhook receivers (undici through the shared SSRF-guarded
 * dispatcher of @radar/net). One POST per call, no redirects followed, a hard deadline, and an
 * answer that says whether trying again can help:
 * - 2xx: delivered.
 * - 408, 429, 5xx, timeouts, connection and DNS failures: transient (the job retries with back-off).
 * - any other status (3xx included: a webhook URL that redirects is misconfigured), a URL that is
 *   not https (or http where allowed), that carries credentials, or whose host is or resolves to
 *   a private, loopback or link-local address: permanent. 410 Gone additionally means the
 *   receiver is gone for good (the caller disables the subscription).
 */
import {
  createGuardedAgent,
  findBlockedAddress,
  HostResolver,
  SystemHostResolver,
  BlockedAddressRefusal,
} from '@radar/net';
import { request, type Dispatcher } from 'undici';

export interface WebhookTransportOptions {
  /** Allows http: URLs and private/loopback/link-local addresses (tests, receivers on your own network). */
  allowPrivateNetwork: boolean;
  /** Deadline of one POST, connect to last byte of the answer. */
  timeoutMs: number;
  userAgent: string;
  resolver?: HostResolver;
}

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type WebhookResult =
  | { ok: true; status: number; durationMs: number }
  | { ok: false; permanent: boolean; status?: number; message: string; durationMs: number };

/** Bytes of a refusal's body kept for the error message. */
const ERROR_BODY_BYTES = 2048;

/** Why a URL can never be a webhook target here, or undefined when it may be. Checked at creation and before each POST. */
export function webhookUrlProblem(raw: string, allowPrivateNetwork: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivateNetwork && url.protocol === 'http:')) {
    return allowPrivateNetwork ? 'only http: and https: URLs are allowed' : 'only https: URLs are allowed';
  }
  if (url.username || url.password) return 'URLs with credentials are not allowed (put secrets in the path)';
  return undefined;
}

export class WebhookTransport {
  private readonly resolver: HostResolver;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: WebhookTransportOptions) {
    this.resolver = options.resolver ?? new SystemHostResolver();
    this.dispatcher = createGuardedAgent({
      resolver: this.resolver,
      checked: !options.allowPrivateNetwork,
      connectTimeoutMs: Math.min(options.timeoutMs, 10_000),
      headersTimeoutMs: options.timeoutMs,
      bodyTimeoutMs: options.timeoutMs,
      connections: 8,
    });
  }

  /**
   * The address check of a URL before it is stored or posted to: undefined when allowed, else
   * the reason. A name that does not resolve is not refused here (DNS may be down for a while).
   */
  async refusal(raw: string): Promise<string | undefined> {
    const problem = webhookUrlProblem(raw, this.options.allowPrivateNetwork);
    if (problem || this.options.allowPrivateNetwork) return problem;
    try {
      const blocked = await findBlockedAddress(new URL(raw), this.resolver);
      if (!blocked) return undefined;
      return `${blocked.host === blocked.address ? blocked.host : `${blocked.host} resolves to ${blocked.address}, which`} is ${blocked.reason} (SSRF guard; WEBHOOK_ALLOW_PRIVATE_NETWORK=true allows it)`;
    } catch {
      return undefined;
    }
  }

  async post(req: WebhookRequest): Promise<WebhookResult> {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const refused = await this.refusal(req.url);
    if (refused) return { ok: false, permanent: true, message: `POST ${req.url} refused: ${refused}`, durationMs: 0 };
    try {
      const res = await request(req.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': this.options.userAgent,
          ...req.headers,
        },
        body: req.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const status = res.statusCode;
      if (status >= 200 && status < 300) {
        await res.body.dump().catch(() => undefined);
        return { ok: true, status, durationMs: elapsed() };
      }
      const detail = await readSome(res.body);
      const transient = status === 408 || status === 429 || status >= 500;
      return {
        ok: false,
        permanent: !transient,
        status,
        message:
          `POST ${req.url} answered HTTP ${status}` +
          (status >= 300 && status < 400 ? ' (webhooks do not follow redirects)' : '') +
          (detail ? `: ${detail}` : ''),
        durationMs: elapsed(),
      };
    } catch (error) {
      const blocked = findCause(error, BlockedAddressRefusal);
      if (blocked) {
        return {
          ok: false,
          permanent: true,
          message: `POST ${req.url} refused at connect time: ${blocked.message}`,
          durationMs: elapsed(),
        };
      }
      const name = (error as Error).name;
      const what =
        name === 'TimeoutError' || name === 'AbortError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : describe(error);
      return { ok: false, permanent: false, message: `POST ${req.url} failed: ${what}`, durationMs: elapsed() };
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

async function readSome(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // The answer's status is what matters.
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
}

function describe(error: unknown): string {
  const e = error as Error & { code?: string; cause?: Error & { code?: string } };
  const code = e.code ?? e.cause?.code;
  const message = e.cause && e.cause.message !== e.message ? `${e.message}: ${e.cause.message}` : e.message;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}
