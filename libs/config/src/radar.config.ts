import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * The environment schema. Every setting the system reads is declared here and validated once at
 * boot; nothing else reads process.env. Requirements depend on the chosen adapters
 * (ELASTICSEARCH_URL only with SEARCH_BACKEND=elasticsearch).
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const envSchema = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Starts a private redis-server under DATA_DIR when REDIS_URL does not answer. */
  REDIS_AUTOSTART: bool.default(true),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - only (1-40 characters)')
    .default('radar'),
  SEARCH_BACKEND: z.enum(['sqlite', 'elasticsearch']).default('sqlite'),
  ELASTICSEARCH_URL: url(['http:', 'https:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).default('Policy Radar <radar@localhost>'),
  SOURCES_FILE: z.string().min(1).optional(),
  /** How often the crawler's schedule looks for due sources. */
  CRAWL_TICK_SECONDS: int(1, 3600).default(15),
  /** Worker threads that classify for the ingest role (0: on the event loop); default 1 with 2+ cores. */
  CLASSIFY_THREADS: int(0, 64).optional(),
  /** How far V8 lets the heap grow past what the last full GC kept, in percent (0: V8's own choice). */
  HEAP_GROWTH_PERCENT: int(0, 400).default(40),
  /** Per-request limits for feed fetches. */
  FETCH_TIMEOUT_MS: int(1000, 300000).default(30000),
  FETCH_MAX_BYTES: int(1024, 512 * 1024 * 1024).default(20 * 1024 * 1024),
  FETCH_CONNECT_TIMEOUT_MS: int(100, 120000).default(10000),
  FETCH_MAX_REDIRECTS: int(0, 20).default(5),
  /** Minimum gap between two requests to the same host, across all crawler processes. */
  FETCH_HOST_DELAY_MS: int(0, 600000).default(5000),
  /** API keys; a source that needs a missing key is disabled with a visible status. */
  REGULATIONS_GOV_API_KEY: z.string().min(1).optional(),
  CONGRESS_GOV_API_KEY: z.string().min(1).optional(),
  USER_AGENT: z.string().min(3).default('PolicyRadar/0.1 (+https://github.com/policy-radar/policy-radar)'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** Subscribe requests allowed per email address / per client IP in one hour; 0 turns the limit off. */
  SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR: int(0, 1_000_000).default(5),
  SUBSCRIBE_LIMIT_PER_IP_PER_HOUR: int(0, 1_000_000).default(20),
  /** Behind a reverse proxy: take the client IP from the last X-Forwarded-For entry. */
  TRUST_PROXY: bool.default(false),
  /** Key that signs subscriber links; when unset, a random one is kept in DATA_DIR/secret. */
  RADAR_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Instant alerts to one subscription within this many seconds go out as one email; 0 sends each at once. */
  INSTANT_BATCH_SECONDS: int(0, 86400).default(60),
  /** Local hour (0-23, in the subscriber's time zone) at which daily and weekly digests go out. */
  DIGEST_HOUR: int(0, 23).default(7),
  /** ISO weekday of weekly digests: 1 = Monday ... 7 = Sunday. */
  DIGEST_WEEKDAY: int(1, 7).default(1),
  /** json: one JSON object a line (pino); pretty: Nest's coloured lines. Unset: json unless stdout is a terminal. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Origins allowed to call the API from a browser (comma-separated); unset: no CORS headers at all. */
  CORS_ORIGINS: z
    .string()
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const entry of v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean)) {
        try {
          const parsed = new URL(entry);
          if (
            (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
            parsed.origin !== entry.replace(/\/+$/, '')
          ) {
            throw new Error('not an origin');
          }
          origins.push(parsed.origin);
        } catch {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin like https://app.example.org` });
        }
      }
      return origins;
    })
    .optional(),
  /** Requests per minute one API key may make (keys hold roles; see README); 0 turns the limit off. */
  API_RATE_LIMIT_PER_MINUTE: int(0, 10_000_000).default(600),
  /** Requests per minute one client IP may make without a key (public pages, failed sign-ins); 0: off. */
  API_PUBLIC_RATE_LIMIT_PER_MINUTE: int(0, 10_000_000).default(120),
  /** Bearer token for the admin queue dashboard at /admin/queues; unset: the dashboard is not served. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Lets webhook subscriptions target http: URLs and private, loopback or link-local addresses
   * (a receiver on your own network, tests). Off: https only, public addresses only (SSRF guard).
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORK: bool.default(false),
  /** Deadline of one webhook POST (connect, headers and body), after which it is retried. */
  WEBHOOK_TIMEOUT_MS: int(500, 120000).default(10000),
});

/** Requirements that depend on another key; checked even when other keys are invalid. */
function crossKeyProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.SEARCH_BACKEND === 'elasticsearch' && !env.ELASTICSEARCH_URL) {
    problems.push('ELASTICSEARCH_URL: is required when SEARCH_BACKEND=elasticsearch');
  }
  return problems;
}

/** Keys whose values never appear in an error message. */
const SECRET_KEYS = new Set(['RADAR_SECRET', 'ADMIN_TOKEN']);

export type RadarEnv = z.output<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated, immutable configuration; also the DI token for it. */
export class RadarConfig {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly redisUrl: string;
  readonly redisAutostart: boolean;
  readonly queuePrefix: string;
  readonly searchBackend: 'sqlite' | 'elasticsearch';
  readonly elasticsearchUrl?: string;
  readonly smtpUrl?: string;
  readonly mailFrom: string;
  readonly sourcesFile?: string;
  readonly crawlTickSeconds: number;
  readonly classifyThreads: number;
  readonly heapGrowthPercent: number;
  readonly fetchTimeoutMs: number;
  readonly fetchMaxBytes: number;
  readonly fetchConnectTimeoutMs: number;
  readonly fetchMaxRedirects: number;
  readonly fetchHostDelayMs: number;
  readonly regulationsGovApiKey?: string;
  readonly congressGovApiKey?: string;
  readonly userAgent: string;
  readonly logLevel: RadarEnv['LOG_LEVEL'];
  readonly subscribeLimitPerAddressPerHour: number;
  readonly subscribeLimitPerIpPerHour: number;
  readonly trustProxy: boolean;
  /** Read it through SecretStore, which falls back to DATA_DIR/secret. */
  readonly radarSecret?: string;
  /** Seconds instant alerts to one subscription are gathered into one email; 0: each at once. */
  readonly instantBatchSeconds: number;
  /** Local hour of daily and weekly digests, in each subscriber's time zone. */
  readonly digestHour: number;
  /** ISO weekday (1 = Monday) of weekly digests. */
  readonly digestWeekday: number;
  /** Undefined: chosen at boot (json unless stdout is a terminal). */
  readonly logFormat?: 'json' | 'pretty';
  /** Empty: CORS is off. */
  readonly corsOrigins: readonly string[];
  /** Unset: no admin dashboard. */
  readonly adminToken?: string;
  /** Per API key per minute; 0: off. */
  readonly apiRateLimitPerMinute: number;
  /** Per client IP per minute for requests without a valid key; 0: off. */
  readonly apiPublicRateLimitPerMinute: number;
  /** Webhooks may target http: and private addresses (tests, receivers on your own network). */
  readonly webhookAllowPrivateNetwork: boolean;
  readonly webhookTimeoutMs: number;

  private constructor(env: RadarEnv) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.dataDir = resolve(env.DATA_DIR);
    this.publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
    this.redisUrl = env.REDIS_URL;
    this.redisAutostart = env.REDIS_AUTOSTART;
    this.queuePrefix = env.QUEUE_PREFIX;
    this.searchBackend = env.SEARCH_BACKEND;
    this.elasticsearchUrl = env.ELASTICSEARCH_URL;
    this.smtpUrl = env.SMTP_URL;
    this.mailFrom = env.MAIL_FROM;
    this.sourcesFile = env.SOURCES_FILE ? resolve(env.SOURCES_FILE) : undefined;
    this.crawlTickSeconds = env.CRAWL_TICK_SECONDS;
    this.classifyThreads = env.CLASSIFY_THREADS ?? (availableParallelism() > 1 ? 1 : 0);
    this.heapGrowthPercent = env.HEAP_GROWTH_PERCENT;
    this.fetchTimeoutMs = env.FETCH_TIMEOUT_MS;
    this.fetchMaxBytes = env.FETCH_MAX_BYTES;
    this.fetchConnectTimeoutMs = env.FETCH_CONNECT_TIMEOUT_MS;
    this.fetchMaxRedirects = env.FETCH_MAX_REDIRECTS;
    this.fetchHostDelayMs = env.FETCH_HOST_DELAY_MS;
    this.regulationsGovApiKey = env.REGULATIONS_GOV_API_KEY;
    this.congressGovApiKey = env.CONGRESS_GOV_API_KEY;
    this.userAgent = env.USER_AGENT;
    this.logLevel = env.LOG_LEVEL;
    this.subscribeLimitPerAddressPerHour = env.SUBSCRIBE_LIMIT_PER_ADDRESS_PER_HOUR;
    this.subscribeLimitPerIpPerHour = env.SUBSCRIBE_LIMIT_PER_IP_PER_HOUR;
    this.trustProxy = env.TRUST_PROXY;
    this.radarSecret = env.RADAR_SECRET;
    this.instantBatchSeconds = env.INSTANT_BATCH_SECONDS;
    this.digestHour = env.DIGEST_HOUR;
    this.digestWeekday = env.DIGEST_WEEKDAY;
    this.logFormat = env.LOG_FORMAT;
    this.corsOrigins = Object.freeze([...(env.CORS_ORIGINS ?? [])]);
    this.adminToken = env.ADMIN_TOKEN;
    this.apiRateLimitPerMinute = env.API_RATE_LIMIT_PER_MINUTE;
    this.apiPublicRateLimitPerMinute = env.API_PUBLIC_RATE_LIMIT_PER_MINUTE;
    this.webhookAllowPrivateNetwork = env.WEBHOOK_ALLOW_PRIVATE_NETWORK;
    this.webhookTimeoutMs = env.WEBHOOK_TIMEOUT_MS;
    Object.freeze(this);
  }

  /** Validate an environment (process.env at boot, a plain object in tests). Reports every bad key. */
  static fromEnv(env: Record<string, string | undefined>): RadarConfig {
    const known = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
    const parsed = envSchema.safeParse(known);
    const problems = parsed.success
      ? []
      : parsed.error.issues.map((i) => {
          const key = i.path.join('.') || '(environment)';
          const got = known[key];
          const shown = got !== undefined && !SECRET_KEYS.has(key) ? ` (got ${JSON.stringify(got)})` : '';
          return `${key}: ${i.message}${shown}`;
        });
    problems.push(...crossKeyProblems(known));
    if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
    return new RadarConfig(parsed.data);
  }

  /** A copy with some settings changed, for callers that resolve a value at boot (e.g. a private Redis). */
  with(changes: Partial<Pick<RadarConfig, 'redisUrl' | 'port' | 'publicUrl'>>): RadarConfig {
    const copy = Object.create(RadarConfig.prototype) as RadarConfig;
    Object.assign(copy, this, changes);
    return Object.freeze(copy);
  }
}
