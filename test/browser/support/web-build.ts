import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root, dist/web and the web app's sources (with what it bundles from libs/). */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const WEB_DIST = join(REPO_ROOT, 'dist', 'web');
const WEB_SOURCES = [
  'web/index.html',
  'web/vite.config.mts',
  'web/build.mjs',
  'web/tsconfig.json',
  'web/src',
  'web/public',
  // The one lib file the bundle takes values from (DOC_TYPES, ALERT_STATES); other lib imports are type-only.
  'libs/core/src/document.ts',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Why dist/web needs building, or null when it is there and newer than every web/ source. */
export function webBuildStaleness(): string | null {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = statSync(index).mtimeMs;
  const newest = Math.max(...WEB_SOURCES.map((p) => newestMtime(join(REPO_ROOT, p))));
  return newest > built ? 'web/ has changed since dist/web was built' : null;
}

/** Builds dist/web (web/build.mjs, as `npm run build` does) when it is missing or older than web/. */
export function ensureWebBuild(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  const why = webBuildStaleness();
  if (why === null) return;
  log(`Building the web app for the browser tests: ${why}`);
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'web', 'build.mjs')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (result.status !== 0 || !existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(
      `Building the web app failed (run \`npm run build\` to see why): ${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`,
    );
  }
}
