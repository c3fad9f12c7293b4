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
  etag?: string;
  lastModified?: string;
  /** Hash of the last body, because ETags lie. */
  bodyHash?: string;
  errorCount: number;
  lastStatus?: string;
  lastError?: string;
  lastCrawledAt?: number;
  lastItemCount?: number;
}

const EMPTY: CrawlState = { nextCheckAt: 0, errorCount: 0 };

@Injectable()
export class CrawlStateStore implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly key: string;

  constructor(config: RadarConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 3 });
    this.key = `${config.queuePrefix}:crawl-state`;
  }

  async get(sourceId: string): Promise<CrawlState> {
    const raw = await this.redis.hget(this.key, sourceId);
    return raw ? { ...EMPTY, ...(JSON.parse(raw) as Partial<CrawlState>) } : { ...EMPTY };
  }

  async getMany(sourceIds: string[]): Promise<Map<string, CrawlState>> {
    if (sourceIds.length === 0) return new Map();
    const raws = await this.redis.hmget(this.key, ...sourceIds);
    return new Map(
      sourceIds.map((id, i) => [
        id,
        raws[i] ? { ...EMPTY, ...(JSON.parse(raws[i]!) as Partial<CrawlState>) } : { ...EMPTY },
      ]),
    );
  }

  async set(sourceId: string, state: CrawlState): Promise<void> {
    await this.redis.hset(this.key, sourceId, JSON.stringify(state));
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
