import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';
import Redis from 'ioredis';

/** What `add` did with an alert: gathered into the window, or already in one (then `windowStart` is that one). */
export type PendingAdd = { status: 'added' | 'already-batched'; windowStart: number } | { status: 'closed' };

/** A window's keys live this long after its last change: far beyond its flush and every retry. */
const WINDOW_TTL_SECONDS = 7 * 86400;

/**
 * KEYS: batched (hash alert id → window start), members (sorted set), closed (flag).
 * ARGV: alert id, window start, now (score).
 */
const ADD = `
local prev = redis.call('HGET', KEYS[1], ARGV[1])
if prev then return {'already-batched', prev} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'closed', ARGV[2]} end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[2], ${WINDOW_TTL_SECONDS})
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'added', ARGV[2]}
`;

/** KEYS: members, closed. Closes the window (later adds are refused) and returns its alert ids in arrival order. */
const CLOSE = `
redis.call('SET', KEYS[2], '1', 'EX', ${WINDOW_TTL_SECONDS})
redis.call('EXPIRE', KEYS[1], ${WINDOW_TTL_SECONDS})
return redis.call('ZRANGE', KEYS[1], 0, -1)
`;

/**
 * Instant alerts waiting for their subscription's batching window to close, in Redis under the
 * queue prefix (one adapter, one client). Each step is one atomic script, so an alert is either
 * in a window that its flush will read, or refused and put in the next window; never lost between.
 * Per subscription, a hash remembers which alerts were ever batched, so a document's later
 * version (matched again) is never emailed to it twice.
 */
@Injectable()
export class PendingBatchStore implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(config: RadarConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 3 });
    this.prefix = `${config.queuePrefix}:notifier`;
  }

  private keys(subscriptionId: string, windowStart: number) {
    const tag = `{${subscriptionId}}`;
    return {
      batched: `${this.prefix}:batched:${tag}`,
      members: `${this.prefix}:batch:${tag}:${windowStart}`,
      closed: `${this.prefix}:batch-closed:${tag}:${windowStart}`,
    };
  }

  async add(subscriptionId: string, alertId: string, windowStart: number, nowMs: number): Promise<PendingAdd> {
    const k = this.keys(subscriptionId, windowStart);
    const [status, start] = (await this.redis.eval(
      ADD,
      3,
      k.batched,
      k.members,
      k.closed,
      alertId,
      windowStart,
      nowMs,
    )) as [string, string];
    if (status === 'closed') return { status: 'closed' };
    return { status: status as 'added' | 'already-batched', windowStart: Number(start) };
  }

  /**
   * Whether the alert was ever batched for the subscription, and whether that window is closed
   * (its flush has read or is reading its alerts). Null when never batched.
   */
  async batchedWindow(
    subscriptionId: string,
    alertId: string,
  ): Promise<{ windowStart: number; closed: boolean } | null> {
    const start = await this.redis.hget(this.keys(subscriptionId, 0).batched, alertId);
    if (start === null) return null;
    const windowStart = Number(start);
    const closed = (await this.redis.exists(this.keys(subscriptionId, windowStart).closed)) === 1;
    return { windowStart, closed };
  }

  /** Closes the window and returns its alert ids; the same answer however often it is called. */
  async close(subscriptionId: string, windowStart: number): Promise<string[]> {
    const k = this.keys(subscriptionId, windowStart);
    return (await this.redis.eval(CLOSE, 2, k.members, k.closed)) as string[];
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
