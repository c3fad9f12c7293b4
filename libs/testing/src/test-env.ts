import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RadarConfig } from '@radar/config';

/** Redis the tests use: REDIS_URL when set, else the local default. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestEnv {
  config: RadarConfig;
  dataDir: string;
  /** Deletes every Redis key under this run's prefix and the data directory. */
  cleanup(): Promise<void>;
}

/**
 * A config of its own for one test file (`env` may be computed from the new DATA_DIR): a fresh DATA_DIR and a unique BullMQ prefix, so a run
 * never disturbs a running instance or a parallel run.
 */
export function createTestEnv(
  env: Record<string, string | undefined> | ((dataDir: string) => Record<string, string | undefined>) = {},
): TestEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-test-'));
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  const config = RadarConfig.fromEnv({
    DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_AUTOSTART: 'false',
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    FETCH_HOST_DELAY_MS: '0',
    // Each alert emailed at once, as the pipeline tests expect; batching tests set their own window.
    INSTANT_BATCH_SECONDS: '0',
    ...(typeof env === 'function' ? env(dataDir) : env),
  });
  return {
    config,
    dataDir,
    async cleanup() {
      await deleteRedisPrefix(config.redisUrl, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
