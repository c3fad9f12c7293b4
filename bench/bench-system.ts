import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RadarConfig } from '@radar/config';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { deleteRedisPrefix } from '../libs/testing/src/test-env';
import { ApiModule } from '../apps/api/src/api.module';
import { ClassifierModule } from '../apps/classifier/src/classifier.module';
import { CrawlerModule } from '../apps/crawler/src/crawler.module';
import { NotifierModule } from '../apps/notifier/src/notifier.module';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface BenchSystem {
  radar: RunningRadar;
  /** Closes the system, deletes its Redis keys and its data directory. */
  close(): Promise<void>;
}

/**
 * The all-in-one system for a benchmark, as `npm start` runs it: a temp DATA_DIR, its own Redis
 * prefix, the given sources and settings, no per-host delay and quiet logs.
 */
export async function startBenchSystem(sources: unknown[], env: Record<string, string> = {}): Promise<BenchSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-bench-'));
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const sourcesFile = join(dataDir, 'sources.json');
  writeFileSync(sourcesFile, JSON.stringify(sources));
  const config = RadarConfig.fromEnv({
    DATA_DIR: dataDir,
    REDIS_URL,
    REDIS_AUTOSTART: 'false',
    QUEUE_PREFIX: prefix,
    SOURCES_FILE: sourcesFile,
    CRAWL_TICK_SECONDS: '1',
    FETCH_HOST_DELAY_MS: '0',
    PORT: '0',
    LOG_LEVEL: 'error',
    ...env,
  });
  const radar = await bootRadar({
    name: 'bench',
    roles: [CrawlerModule, ClassifierModule, NotifierModule, ApiModule],
    http: true,
    config,
    logLevels: ['error'],
  });
  return {
    radar,
    async close() {
      await radar.close();
      await deleteRedisPrefix(REDIS_URL, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
