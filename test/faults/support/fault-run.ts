import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RadarConfig } from '@radar/config';
import { Subscription } from '@radar/core';
import { deleteRedisPrefix, TEST_REDIS_URL } from '@radar/testing';
import { FAULT_DIST } from './build-dist';
import { RoleName, RoleProcess } from './processes';
import { sourcesYaml, SourceSpec } from './feeds';
import { IndexReader } from './index-reader';

/**
 * One fault scenario's world: a temp DATA_DIR, its own queue prefix on Redis (the machine's
 * shared one unless a private one is given), the environment every role process gets, and the
 * roles themselves.
 */
export class FaultRun {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'radar-fault-'));
  readonly prefix = `fault-${randomBytes(6).toString('hex')}`;
  readonly env: Record<string, string>;
  readonly roles = new Map<RoleName, RoleProcess>();
  readonly index: IndexReader;

  constructor(
    sources: readonly SourceSpec[],
    env: Record<string, string> = {},
    readonly redisUrl = TEST_REDIS_URL,
  ) {
    const sourcesFile = join(this.dataDir, 'sources.yaml');
    writeFileSync(sourcesFile, sourcesYaml(sources));
    this.env = {
      DATA_DIR: this.dataDir,
      REDIS_URL: redisUrl,
      // Never start a redis-server of its own: a role that cannot reach Redis must wait for it.
      REDIS_AUTOSTART: 'false',
      QUEUE_PREFIX: this.prefix,
      SOURCES_FILE: sourcesFile,
      CRAWL_TICK_SECONDS: '1',
      FETCH_HOST_DELAY_MS: '0',
      INSTANT_BATCH_SECONDS: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      // One key for every process (unset, each would race to create DATA_DIR/secret).
      RADAR_SECRET: randomBytes(24).toString('hex'),
      ...env,
    };
    RadarConfig.fromEnv(this.env); // a mistake here fails in the test, not in three child processes
    this.index = new IndexReader(join(this.dataDir, 'radar.sqlite'));
  }

  get sqliteFile(): string {
    return this.index.file;
  }

  /** Starts the roles as separate processes, as `npm run start:<role>` does. */
  start(...roles: RoleName[]): void {
    for (const role of roles) {
      const child = this.roles.get(role) ?? new RoleProcess(role, this.env, join(this.dataDir, 'logs'));
      this.roles.set(role, child);
      child.start();
    }
  }

  role(name: RoleName): RoleProcess {
    const role = this.roles.get(name);
    if (!role) throw new Error(`${name} was not started`);
    return role;
  }

  /**
   * Confirmed subscriptions written straight into the index before the roles start (the API's
   * double opt-in is tested elsewhere; here only what the notifier does with them matters),
   * through the same build of the index adapter as the roles, so the schema is theirs.
   */
  async subscribe(subs: Pick<Subscription, 'id' | 'email' | 'query' | 'sectors'>[]): Promise<void> {
    const { SqliteSearchIndex } = await distSearch();
    const index = new SqliteSearchIndex({ file: this.sqliteFile });
    await index.init();
    try {
      const now = new Date(Date.now() - 60_000).toISOString();
      for (const sub of subs) {
        await index.saveSubscription({
          ...sub,
          status: 'confirmed',
          confirmToken: randomBytes(12).toString('hex'),
          unsubscribeToken: randomBytes(12).toString('hex'),
          createdAt: now,
          confirmedAt: now,
          frequency: 'instant',
        });
      }
    } finally {
      await index.close();
    }
  }

  /** Throws when a role exited without the test killing it (no supervisor hides a crash here). */
  assertAlive(): void {
    for (const role of this.roles.values()) {
      const crashed = role.crashed;
      if (crashed) throw new RoleCrashedError(crashed);
    }
  }

  /**
   * Bounded wait, as pollUntil, that fails at once when a role crashed by itself. Returns the
   * value that satisfied the predicate.
   */
  async until<T>(
    read: () => T | Promise<T>,
    predicate: (value: T) => boolean,
    { timeoutMs, what, intervalMs = 200 }: { timeoutMs: number; what: string; intervalMs?: number },
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    let lastError: unknown;
    for (;;) {
      this.assertAlive();
      try {
        last = await read();
        if (predicate(last)) return last;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}` +
        (lastError ? `; last error: ${(lastError as Error).message}` : ''),
    );
  }

  /** The last lines of every role's log, for a failure message. */
  diagnostics(): string {
    return [...this.roles.values()].map((r) => `--- ${r.role} (${r.starts} start(s))\n${r.logTail()}`).join('\n');
  }

  /** Deletes this run's Redis keys (when Redis still answers) and its data directory. */
  async cleanup(): Promise<void> {
    this.index.close();
    try {
      await deleteRedisPrefix(this.redisUrl, this.prefix);
    } catch {
      // a private Redis already stopped takes its keys with it
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export class RoleCrashedError extends Error {}

/** The search library of the suite's build: the index adapter exactly as the role processes run it. */
export async function distSearch(): Promise<typeof import('@radar/search')> {
  return (await import(join(FAULT_DIST, 'libs', 'search', 'src', 'index.js'))) as typeof import('@radar/search');
}

/**
 * Prints a scenario's figures as one JSON line on stdout (`FAULT {...}`), for the issue note
 * and for anyone reading CI output.
 */
export function printFigures(scenario: string, figures: Record<string, unknown>): void {
  process.stdout.write(`FAULT ${JSON.stringify({ scenario, ...figures })}\n`);
}

/** Runs `body`; on failure adds every role's log tail to the error. */
export async function withDiagnostics<T>(run: FaultRun, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const e = error as Error;
    e.message = `${e.message}\n\nrole logs (${run.dataDir}):\n${run.diagnostics()}`;
    throw e;
  }
}

/** Percentile (0-100) of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
