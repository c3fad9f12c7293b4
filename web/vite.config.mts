import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * The web app, built into dist/web and served by the api role (apps/api/src/web-app.middleware.ts).
 * `npm run build` runs `vite build web`; `npm run dev:web` serves it with the API proxied from
 * API_URL (default http://127.0.0.1:3000, a running `npm start`).
 */

/** Writes `file.gz` beside each text asset, so the server can send it precompressed. */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'radar-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir.startsWith('/') ? config.build.outDir : join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|txt)$/.test(file)) continue;
        const body = readFileSync(file);
        if (body.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// eslint-disable-next-line no-restricted-properties -- a build tool's own setting, not the app's config
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: import.meta.dirname,
  publicDir: 'public',
  plugins: [precompress()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    reportCompressedSize: true,
    sourcemap: false,
    // One entry chunk: no preload polyfill needed.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(['/api', '/health', '/metrics'].map((p) => [p, { target: apiUrl, changeOrigin: false }])),
  },
});
