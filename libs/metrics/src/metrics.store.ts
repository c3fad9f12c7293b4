import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { redisOptionsFromUrl } from '@radar/queue';
import Redis from 'ioredis';

/** Counters every role may bump. Names are Prometheus metric names; labels are fixed per name. */
export type CounterName =
  | 'radar_crawl_outcomes_total'
  | 'radar_documents_ingested_total'
  | 'radar_emails_total'
  | 'radar_alerts_total'
  | 'radar_webhooks_total';

/** Durations recorded as a Prometheus summary (sum and count). */
export type DurationName = 'radar_classification_seconds' | 'radar_alert_latency_seconds';

export interface MetricsSnapshot {
  counters: { name: CounterName; labels: Record<string, string>; value: number }[];
  durations: { name: DurationName; sum: number; count: number }[];
}

const SEP = '\u0001';

/**
 * Cluster-wide counters in Redis (one hash under the queue prefix), so `/metrics` on any API
 * instance reports what every crawler, classifier and notifier process did, however the roles
 * are deployed. Recording never throws: a metric is never worth failing a job for.
 */
@Injectable()
export class MetricsStore implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly key: string;

  constructor(config: RadarConfig) {
    this.redis = new Redis({ ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: 1, lazyConnect: true });
    this.redis.on('error', () => undefined);
    this.key = `${config.queuePrefix}:metrics`;
  }

  async increment(name: CounterName, labels: Record<string, string>, by = 1): Promise<void> {
    const field = ['c', name, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)].join(SEP);
    await this.redis.hincrbyfloat(this.key, field, by).catch(() => undefined);
  }

  /** Records `count` observations (default one) whose durations add up to `seconds`. */
  async observe(name: DurationName, seconds: number, count = 1): Promise<void> {
    if (!Number.isFinite(seconds) || seconds < 0 || !Number.isInteger(count) || count < 1) return;
    await this.redis
      .multi()
      .hincrbyfloat(this.key, ['s', name, 'sum'].join(SEP), seconds)
      .hincrby(this.key, ['s', name, 'count'].join(SEP), count)
      .exec()
      .catch(() => undefined);
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const all = await this.redis.hgetall(this.key);
    const snapshot: MetricsSnapshot = { counters: [], durations: [] };
    const durations = new Map<DurationName, { sum: number; count: number }>();
    for (const [field, raw] of Object.entries(all)) {
      const [kind, name, ...rest] = field.split(SEP);
      const value = Number(raw);
      if (kind === 'c') {
        const labels = Object.fromEntries(rest.map((pair) => pair.split('=', 2) as [string, string]));
        snapshot.counters.push({ name: name as CounterName, labels, value });
      } else if (kind === 's') {
        const entry = durations.get(name as DurationName) ?? { sum: 0, count: 0 };
        if (rest[0] === 'sum') entry.sum = value;
        else entry.count = value;
        durations.set(name as DurationName, entry);
      }
    }
    snapshot.durations = [...durations].map(([name, d]) => ({ name, ...d }));
    return snapshot;
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
