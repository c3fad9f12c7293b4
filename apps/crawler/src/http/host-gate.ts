import { randomBytes } from 'node:crypto';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';
import Redis from 'ioredis';

export type GateDecision = { granted: true; lease: HostLease } | { granted: false; notBefore: number };

export interface HostLease {
  host: string;
  token: string;
}

/**
 * Acquire: one atomic step on Redis' clock (so crawler processes on different machines agree).
 *   KEYS: lease, next-allowed-at, queue tail, hold     ARGV: token, lease TTL ms, delay ms
 * - lease held by another request -> busy until about now + max(delay, hold)
 * - now < next-allowed-at          -> busy until next-allowed-at
 * - otherwise take the lease (PX = TTL, so a crashed process frees the host by itself); the lease
 *   holds `token@now`, so its release knows how long it was held.
 * `hold` is how long a request to this host usually holds the lease (a moving average kept by
 * release, between 20 ms and 1 s; 1 s while unknown). A busy answer is spread out: each waiter
 * is promised a slot at least max(delay, hold) after the previous promise, so 48 jobs for one
 * host come back one by one, about when the host should be free, rather than all at once.
 * Returns {1, now} when granted, {0, notBefore} when not.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local delay = tonumber(ARGV[3])
local hold = tonumber(redis.call('GET', KEYS[4]) or '1000')
local spacing = math.max(delay, hold)
local base = nil
local leaseTtl = redis.call('PTTL', KEYS[1])
if leaseTtl > 0 or leaseTtl == -1 then
  base = now + spacing
else
  local nextAt = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now < nextAt then base = nextAt end
end
if base == nil then
  redis.call('SET', KEYS[1], ARGV[1] .. '@' .. now, 'PX', ARGV[2])
  return {1, now}
end
local tail = tonumber(redis.call('GET', KEYS[3]) or '0')
local promised = base
if tail > now and tail + spacing > promised then promised = tail + spacing end
redis.call('SET', KEYS[3], promised, 'PX', math.max(1, promised - now + spacing + 1000))
return {0, promised}
`;

/**
 * Release: frees the lease if we still hold it (and folds how long it was held into `hold`),
 * and pushes next-allowed-at to max(current, now + delay, retryAt) so the host rests between
 * requests (and longer after a 429/503 with Retry-After).
 * KEYS: lease, next-allowed-at, hold   ARGV: token, delay ms, retryAt ms (0: none)
 */
const RELEASE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = redis.call('GET', KEYS[1])
local prefix = ARGV[1] .. '@'
if lease and string.sub(lease, 1, #prefix) == prefix then
  redis.call('DEL', KEYS[1])
  local held = now - (tonumber(string.sub(lease, #prefix + 1)) or now)
  local previous = tonumber(redis.call('GET', KEYS[3]) or tostring(held))
  local hold = math.min(1000, math.max(20, math.floor(previous * 0.7 + held * 0.3)))
  redis.call('SET', KEYS[3], hold, 'PX', 3600000)
end
local nextAt = math.max(now + tonumber(ARGV[2]), tonumber(ARGV[3]))
local current = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextAt > current and nextAt > now then
  redis.call('SET', KEYS[2], nextAt, 'PX', nextAt - now)
end
return nextAt
`;

type GateRedis = Redis & {
  hostGateAcquire(
    lease: string,
    next: string,
    tail: string,
    hold: string,
    token: string,
    ttl: number,
    delay: number,
  ): Promise<[number, number]>;
  hostGateRelease(
    lease: string,
    next: string,
    hold: string,
    token: string,
    delay: number,
    retryAt: number,
  ): Promise<number>;
};

/**
 * Per-host concurrency 1 and a minimum delay between requests to the same host, shared by every
 * crawler process through Redis (keys `${QUEUE_PREFIX}:host:<host>:*`). Never waits: a request
 * that cannot go now learns when to come back.
 */
export class RedisHostGate {
  private readonly redis: GateRedis;
  private readonly prefix: string;

  constructor(
    config: RadarConfig,
    /** Longest a lease can be held; expires by itself after that (crashed process). */
    private readonly leaseTtlMs: number,
    private readonly delayMs = config.fetchHostDelayMs,
  ) {
    this.prefix = `${config.queuePrefix}:host:`;
    const redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 3 });
    redis.defineCommand('hostGateAcquire', { numberOfKeys: 4, lua: ACQUIRE });
    redis.defineCommand('hostGateRelease', { numberOfKeys: 3, lua: RELEASE });
    this.redis = redis as GateRedis;
  }

  private keys(host: string) {
    const base = `${this.prefix}${host.toLowerCase()}`;
    return { lease: `${base}:lease`, next: `${base}:next`, tail: `${base}:tail`, hold: `${base}:hold` };
  }

  async acquire(host: string): Promise<GateDecision> {
    const k = this.keys(host);
    const token = randomBytes(12).toString('hex');
    const [granted, at] = await this.redis.hostGateAcquire(
      k.lease,
      k.next,
      k.tail,
      k.hold,
      token,
      this.leaseTtlMs,
      this.delayMs,
    );
    return granted === 1 ? { granted: true, lease: { host, token } } : { granted: false, notBefore: Number(at) };
  }

  /** Frees the host; the next request may start `delay` from now, or at `retryAt` if later. Returns that time. */
  async release(lease: HostLease, retryAt = 0): Promise<number> {
    const k = this.keys(lease.host);
    return Number(
      await this.redis.hostGateRelease(k.lease, k.next, k.hold, lease.token, this.delayMs, Math.round(retryAt)),
    );
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
