// Builds the web app into dist/web (`npm run build:web`, part of `npm run build`). Vite writes to a
// temporary directory that then replaces dist/web in two renames, so a server or a test reading
// dist/web while someone rebuilds never sees it half written or empty.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { pid } from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const out = join(root, '..', 'dist', 'web');
const tmp = `${out}.tmp-${pid}`;
const old = `${out}.old-${pid}`;

try {
  await build({ root, configFile: join(root, 'vite.config.mts'), build: { outDir: tmp, emptyOutDir: true } });
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
}
