import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';
import Redis from 'ioredis';

/**
 * What the crawler remembers about a source between fetches. Rebuildable: losing it costs one
 * unconditional fetch per source, never a document (dedupe consults the durable index).
 */
export interface CrawlState {
  nextCheckAt: number;
  /** The adaptive interval now in force (within the source's bounds). */
  intervalSeconds?: number;
  etag?: string;
  lastModified?: string;
  /** Hash of the last body, because ETags lie. */
  bodyHash?: string;
  /** Consecutive failures. */
  errorCount: number;
  lastStatus?: string;
  lastError?: string;
  lastErrorAt?: number;
  lastCrawledAt?: number;
  lastSuccessAt?: number;
  /** When a crawl last found an item not seen before (or changed). */
  lastNewItemAt?: number;
  /** Items found new or changed, in all. */
  itemsSeen: number;
  /** Smoothed time between crawls that found something new. */
  observedIntervalSeconds?: number;
  lastItemCount?: number;
}

const EMPTY: CrawlState = { nextCheckAt: 0, errorCount: 0, itemsSeen: 0 };
const SEEN_TTL_SECONDS = 60 * 86400;

function parse(raw: string | null | undefined): CrawlState {
  return raw ? { ...EMPTY, ...(JSON.parse(raw) as Partial<CrawlState>) } : { ...EMPTY };
}

/** The crawl state of every source, in Redis under the queue prefix (one adapter, one client). */
@Injectable()
export class SourceStateStore implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly key: string;
  private readonly prefix: string;

  constructor(config: RadarConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 3 });
    this.prefix = config.queuePrefix;
    this.key = `${config.queuePrefix}:crawl-state`;
  }

  async get(sourceId: string): Promise<CrawlState> {
    return parse(await this.redis.hget(this.key, sourceId));
  }

  async getMany(sourceIds: string[]): Promise<Map<string, CrawlState>> {
    if (sourceIds.length === 0) return new Map();
    const raws = await this.redis.hmget(this.key, ...sourceIds);
    return new Map(sourceIds.map((id, i) => [id, parse(raws[i])]));
  }

  async set(sourceId: string, state: CrawlState): Promise<void> {
    await this.redis.hset(this.key, sourceId, JSON.stringify(state));
  }

  /**
   * Of the given item keys (document id + content hash), those not seen before for this source;
   * records them as seen. After a Redis flush every item looks new once and the durable index
   * decides (nothing is lost or duplicated, it only costs an ingest job per item).
   */
  async unseen(sourceId: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const setKey = `${this.prefix}:crawl-seen:${sourceId}`;
    const flags = await this.redis.smismember(setKey, ...keys);
    const fresh = keys.filter((_, i) => flags[i] === 0);
    return fresh;
  }

  /** Marks item keys as seen once their ingest jobs are safely enqueued. */
  async markSeen(sourceId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const setKey = `${this.prefix}:crawl-seen:${sourceId}`;
    await this.redis
      .multi()
      .sadd(setKey, ...keys)
      .expire(setKey, SEEN_TTL_SECONDS)
      .exec();
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
