import { createHash, randomBytes } from 'node:crypto';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';

const WINDOW_MS = 60 * 60 * 1000;

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

/**
 * Subscribe rate limits per address and per client IP, kept in Redis so every API instance
 * shares them: keys `${prefix}:ratelimit:subscribe:<ip|address>:<hash>` (hashed: Redis holds no
 * addresses). A limit of 0 is off.
 */
@Injectable()
export class SubscriptionRateLimiter implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(private readonly config: RadarConfig) {
    // A request must fail (500) on a Redis outage rather than hang: a few retries, not BullMQ's infinite ones.
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 2, lazyConnect: true });
  }

  /** Counts one subscribe attempt against both limits, unless either is already reached. */
  async hit(email: string, ip: string, nowMs = Date.now()): Promise<RateLimitDecision> {
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

  private key(kind: string, id: string): string {
    const hash = createHash('sha256').update(id).digest('base64url').slice(0, 22);
    return `${this.config.queuePrefix}:ratelimit:subscribe:${kind}:${hash}`;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
