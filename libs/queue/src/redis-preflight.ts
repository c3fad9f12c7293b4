import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from './redis-connection';

export interface RedisPreflightOptions {
  redisUrl: string;
  autostart: boolean;
  dataDir: string;
  /** PATH to search for redis-server (the process's PATH at boot). */
  searchPath: string;
  log: (message: string) => void;
}

export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** True when Redis at the URL answers PING within the timeout. */
export async function redisAnswers(redisUrl: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Redis({
    ...redisOptionsFromUrl(redisUrl),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function findOnPath(binary: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Makes sure Redis answers at REDIS_URL before the app boots. When it does not, and the URL is on
 * this machine and a redis-server binary is on PATH, starts a private one (daemonised, with
 * append-only persistence under DATA_DIR/redis, so roles started as separate processes share it).
 * Otherwise throws a RedisUnavailableError whose message says how to fix it.
 */
export async function ensureRedis(options: RedisPreflightOptions): Promise<void> {
  if (await redisAnswers(options.redisUrl)) return;
  const url = new URL(options.redisUrl);
  const howToFix =
    'start Redis (for example `redis-server`, or `docker compose up -d redis`) or set REDIS_URL to a reachable server';
  if (!options.autostart || !LOOPBACK.has(url.hostname)) {
    throw new RedisUnavailableError(`Redis is not reachable at ${options.redisUrl}: ${howToFix}.`);
  }
  const binary = findOnPath('redis-server', options.searchPath);
  if (!binary) {
    throw new RedisUnavailableError(
      `Redis is not reachable at ${options.redisUrl} and no redis-server is on PATH: ${howToFix}.`,
    );
  }
  const dir = join(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = url.port || '6379';
  const args = [
    '--port',
    port,
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--daemonize',
    'yes',
    '--pidfile',
    join(dir, 'redis.pid'),
    '--logfile',
    join(dir, 'redis.log'),
  ];
  if (url.password) args.push('--requirepass', decodeURIComponent(url.password));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(binary, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new RedisUnavailableError(`${binary} exited with code ${code}; see ${join(dir, 'redis.log')}`)),
    );
  });
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (await redisAnswers(options.redisUrl, 500)) {
      options.log(
        `Redis was not running at ${options.redisUrl}: started a private redis-server on 127.0.0.1:${port} ` +
          `with its data in ${dir} (stop it with: redis-cli -p ${port} shutdown)`,
      );
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new RedisUnavailableError(
    `Started ${binary} but it did not answer on port ${port}; see ${join(dir, 'redis.log')}`,
  );
}
