import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { redisAnswers } from '@radar/queue';
import { pollUntil } from '@radar/testing';
import { distMain } from './build-dist';

/**
 * Real child processes for the fault suite. Each is the leader of its own process group
 * (`detached`), so a kill reaches it and anything it started; every live group is SIGKILLed in
 * afterAll (`killAllChildren`) and, should the test process itself die first, on its exit.
 */
const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

process.on('exit', () => {
  for (const child of live) killGroup(child);
});

/** SIGKILLs every child this test file started and still running (afterAll, also after a failure). */
export async function killAllChildren(): Promise<void> {
  const children = [...live];
  for (const child of children) killGroup(child);
  await Promise.all(children.map((c) => exited(c)));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function spawnLogged(command: string, args: string[], env: Record<string, string>, logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', fd, fd] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    return child;
  } finally {
    closeSync(fd);
  }
}

export type RoleName = 'crawler' | 'classifier' | 'notifier';

/** The environment a child gets: PATH and HOME from this process, everything else given. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  // eslint-disable-next-line no-restricted-properties -- the children need a PATH and HOME to run node
  const { PATH = '', HOME = '' } = process.env;
  return { PATH, HOME, ...env };
}

/**
 * One role (`node dist/apps/<role>/src/main.js`), restartable. Logs go to
 * `<logDir>/<role>.log` (every incarnation appends), shown by `logTail` when a test fails.
 */
export class RoleProcess {
  private child?: ChildProcess;
  private killedByTest = false;
  /** How many times this role was started. */
  starts = 0;
  readonly logFile: string;

  constructor(
    readonly role: RoleName,
    private readonly env: Record<string, string>,
    logDir: string,
  ) {
    mkdirSync(logDir, { recursive: true });
    this.logFile = join(logDir, `${role}.log`);
  }

  start(): this {
    if (this.running) throw new Error(`${this.role} is already running`);
    this.child = spawnLogged(process.execPath, [distMain(this.role)], childEnv(this.env), this.logFile);
    this.killedByTest = false;
    this.starts++;
    return this;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Exited by itself (not killed by the test): how it ended, else undefined. */
  get crashed(): string | undefined {
    if (!this.child || this.running || this.killedByTest) return undefined;
    return `${this.role} exited by itself (code ${this.child.exitCode}, signal ${this.child.signalCode})`;
  }

  /** kill -9 of the whole process group; resolves once the process is gone. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    this.killedByTest = true;
    killGroup(this.child, 'SIGKILL');
    await exited(this.child);
  }

  /** kill -9, then start again at once (what a supervisor such as Docker's restart policy does). */
  async crashAndRestart(): Promise<void> {
    await this.kill9();
    this.start();
  }

  logTail(lines = 30): string {
    if (!existsSync(this.logFile)) return '(no log)';
    return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }
}

/** A one-off command of the build (the `radar` CLI), with its output collected. */
export class CliProcess {
  readonly child: ChildProcess;
  output = '';

  constructor(args: string[], env: Record<string, string>, cliMain: string) {
    this.child = spawn(process.execPath, [cliMain, ...args], {
      env: childEnv(env),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    this.child.once('exit', () => live.delete(this.child));
    const collect = (chunk: Buffer) => (this.output += chunk.toString('utf8'));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
  }

  async kill9(): Promise<void> {
    killGroup(this.child, 'SIGKILL');
    await exited(this.child);
  }

  /** Exit code (null when killed by a signal). */
  async done(): Promise<number | null> {
    await exited(this.child);
    return this.child.exitCode;
  }
}

/**
 * A private redis-server for the Redis restart scenario (the machine's Redis on 6379 is shared
 * and is never restarted or flushed): its own port and directory, append-only persistence as in
 * production (docker-compose.yml runs `redis-server --appendonly yes`).
 */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawnLogged(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      childEnv({}),
      join(this.dir, 'redis.log'),
    );
    await pollUntil(() => this.ping(), Boolean, { timeoutMs: 15000, what: `private redis-server on ${this.port}` });
  }

  /** True when it answers PING. */
  async ping(): Promise<boolean> {
    return redisAnswers(`redis://127.0.0.1:${this.port}`, 500);
  }

  /** Deletes everything it stored (a lost volume); only while it is down. */
  wipe(): void {
    for (const entry of readdirSync(this.dir)) {
      if (entry !== 'redis.log') rmSync(join(this.dir, entry), { recursive: true, force: true });
    }
  }

  /** kill -9 (a crash: no shutdown save; what survives is what the append-only file holds). */
  async kill9(): Promise<void> {
    if (!this.child) return;
    killGroup(this.child, 'SIGKILL');
    await exited(this.child);
  }
}
