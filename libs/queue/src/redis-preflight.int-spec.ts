import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { pollUntil } from '@radar/testing';
import { ensureRedis, findOnPath, redisAnswers, RedisUnavailableError } from './redis-preflight';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('ensureRedis', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'radar-redis-'));
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('returns at once when Redis answers', async () => {
    await ensureRedis({ redisUrl: 'redis://127.0.0.1:6379', autostart: false, dataDir, searchPath: '', log });
    expect(logs).toEqual([]);
  });

  it('fails with one line on how to fix it when nothing answers and no redis-server is on PATH', async () => {
    const port = await freePort();
    const attempt = ensureRedis({
      redisUrl: `redis://127.0.0.1:${port}`,
      autostart: true,
      dataDir,
      searchPath: '/nonexistent',
      log,
    });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/no redis-server is on PATH: start Redis .* or set REDIS_URL/);
  });

  it('starts a private, persistent redis-server under DATA_DIR and says so', async () => {
    const binary = findOnPath('redis-server', process.env.PATH ?? '');
    expect(binary).toBeDefined(); // the CI machine has it; .ci/run installs it otherwise
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    try {
      await ensureRedis({ redisUrl: url, autostart: true, dataDir, searchPath: process.env.PATH ?? '', log });
      expect(await redisAnswers(url)).toBe(true);
      expect(logs.join('\n')).toContain(`started a private redis-server on 127.0.0.1:${port}`);
      expect(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8').trim()).toMatch(/^\d+$/);
    } finally {
      // SIGKILL and wait for it to go: a SIGTERMed redis-server saves first and, once afterAll
      // has deleted its directory, refuses to exit (servers were left running after each run).
      const pid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await pollUntil(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        (gone) => gone,
        { what: `redis-server ${pid} to exit` },
      );
    }
  });
});
