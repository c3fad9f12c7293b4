import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file is test/faults/support/build-dist.ts). */
export const ROOT = resolve(__dirname, '../../..');

/**
 * The fault suite's own build of apps/ and libs/, as `npm run build` makes it but in a directory
 * no one else writes to: an engineer's `npm run build` or `npm start` cannot swap files under the
 * processes this suite spawns, and this suite never rewrites the shared dist/. Under
 * node_modules, so it is ignored by git and Node resolves packages from the repository's
 * node_modules.
 */
export const FAULT_DIST = join(ROOT, 'node_modules', '.cache', 'radar-faults', 'dist');
const STAMP = join(FAULT_DIST, '.built-at');

/** The entry point of a role (or the CLI) in the fault suite's build. */
export function distMain(app: 'crawler' | 'classifier' | 'notifier' | 'api' | 'radar' | 'cli'): string {
  return join(FAULT_DIST, 'apps', app, 'src', 'main.js');
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when no source, data or build setting changed since the last build. */
function upToDate(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  const inputs = ['apps', 'libs', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) =>
    join(ROOT, p),
  );
  return inputs.every((p) => !existsSync(p) || newestMtime(p) < built);
}

/**
 * Jest globalSetup of the `faults` project: the roles are spawned as real processes (so kill -9
 * is a real SIGKILL), from a build of the current sources: rebuilt when anything under apps/ or
 * libs/ is newer than the last build (a fresh clone always builds once).
 */
export default function buildDist(): void {
  if (upToDate()) return;
  const started = Date.now();
  rmSync(FAULT_DIST, { recursive: true, force: true });
  mkdirSync(FAULT_DIST, { recursive: true });
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  try {
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', FAULT_DIST], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    // tsc still emits on type errors; a type error is `npm run lint`'s to report, not this suite's.
    const output = String((error as { stdout?: Buffer }).stdout ?? '').trim();
    if (!existsSync(distMain('classifier'))) throw new Error(`fault suite build failed:\n${output}`);
    process.stderr.write(`fault suite: tsc reported type errors (built anyway):\n${output.slice(0, 2000)}\n`);
  }
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', FAULT_DIST], { cwd: ROOT, stdio: 'pipe' });
  cpSync(join(ROOT, 'libs/sources/data'), join(FAULT_DIST, 'libs/sources/data'), { recursive: true });
  // Stamped with the start time: a file saved during the build makes the next run build again.
  writeFileSync(STAMP, new Date(started).toISOString());
  utimesSync(STAMP, started / 1000, started / 1000);
  process.stderr.write(`fault suite: built ${FAULT_DIST} in ${Date.now() - started} ms\n`);
}
