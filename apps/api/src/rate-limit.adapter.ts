import { createHash, randomBytes } from 'node:crypto';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';

const WINDOW_MS = 60 * 60 * 1000;

const hashId = (id: string): string => createHash('sha256').update(id).digest('base64url').slice(0, 22);

export type RateLimitDecision =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; limit: 'ip' | 'address' };

/**
 * Sliding-window log per key (a sorted set of attempt times). Atomically: drop entries older than
 * the window; if any key is at its limit, refuse and say when its oldest counted attempt leaves
 * the window; otherwise record the attempt under every key. Refused attempts are not recorded.
 */
const SLIDING_WINDOW = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local worst, wait = 0, 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[3 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local w = tonumber(entry[2]) + window - now
    if w > wait or worst == 0 then worst, wait = i, w end
  end
end
if worst > 0 then return {worst, wait} end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return {0, 0}
`;

export type RequestLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Rate limits kept in Redis so every API instance shares them (ids are hashed: Redis holds no
 * addresses or keys). A limit of 0 is off.
 * - subscribe attempts per address and per client IP, per hour (sliding window):
 *   `${prefix}:ratelimit:subscribe:<ip|address>:<hash>`;
 * - API requests per key or per client IP, per minute (fixed window, one INCR):
 *   `${prefix}:ratelimit:api:<bucket hash>:<minute>`.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(private readonly config: RadarConfig) {
    // A request must fail (500) on a Redis outage rather than hang: a few retries, not BullMQ's infinite ones.
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 2, lazyConnect: true });
  }

  /** Counts one subscribe attempt against both limits, unless either is already reached. */
  async subscribeAttempt(email: string, ip: string, nowMs = Date.now()): Promise<RateLimitDecision> {
    const checks = (
      [
        { kind: 'ip', id: ip, limit: this.config.subscribeLimitPerIpPerHour },
        { kind: 'address', id: email, limit: this.config.subscribeLimitPerAddressPerHour },
      ] as const
    ).filter((c) => c.limit > 0);
    if (checks.length === 0) return { allowed: true };
    const member = `${nowMs}-${randomBytes(6).toString('hex')}`;
    const [worst, waitMs] = (await this.redis.eval(
      SLIDING_WINDOW,
      checks.length,
      ...checks.map((c) => this.key(c.kind, c.id)),
      nowMs,
      WINDOW_MS,
      member,
      ...checks.map((c) => c.limit),
    )) as [number, number];
    if (worst === 0) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), limit: checks[worst - 1]!.kind };
  }

  /** Counts one API request in `bucket`'s current minute; refused once `limit` requests were counted. */
  async request(bucket: string, limit: number, nowMs = Date.now()): Promise<RequestLimitDecision> {
    if (limit <= 0) return { allowed: true };
    const minute = Math.floor(nowMs / 60_000);
    const key = `${this.config.queuePrefix}:ratelimit:api:${hashId(bucket)}:${minute}`;
    const result = await this.redis.multi().incr(key).pexpire(key, 120_000).exec();
    const count = Number(result?.[0]?.[1] ?? 0);
    if (count <= limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - nowMs) / 1000)) };
  }

  private key(kind: string, id: string): string {
    return `${this.config.queuePrefix}:ratelimit:subscribe:${kind}:${hashId(id)}`;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
