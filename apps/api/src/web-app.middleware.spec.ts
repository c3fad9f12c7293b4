import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ExpressAdapter } from '@nestjs/platform-express';
import { findWebRoot, webAppMiddleware, WEB_APP_CSP, WEB_APP_NOT_BUILT } from './web-app.middleware';

/** The static server on a real Express app on loopback, over a temporary dist/web. */
async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const adapter = new ExpressAdapter();
  const app = adapter.getInstance<import('express').Express>();
  app.get('/api/thing', (_req, res) => {
    res.json({ api: true });
  });
  app.use(webAppMiddleware(root));
  app.use((_req, res) => {
    res.status(404).json({ statusCode: 404 });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webAppMiddleware', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'radar-web-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers 503 with one line saying to build when dist/web is missing, and leaves the API alone', async () => {
    const server = await serve(join(dir, 'missing'));
    try {
      for (const path of ['/', '/alerts', '/documents/x']) {
        const res = await fetch(`${server.url}${path}`);
        expect(res.status).toBe(503);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.text()).toBe(`${WEB_APP_NOT_BUILT}\n`);
      }
      expect(await (await fetch(`${server.url}/api/thing`)).json()).toEqual({ api: true });
      expect((await fetch(`${server.url}/api/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('serves index.html (no-cache, strict CSP) for client routes and hashed assets for a year, gzipped when asked', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Policy Radar</title>');
    const js = `console.log(${JSON.stringify('x'.repeat(2000))});`;
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), js);
    writeFileSync(join(dir, 'assets', 'index-abc123.js.gz'), gzipSync(js));
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(dir, '.secret'), 'no');
    const server = await serve(dir);
    try {
      for (const path of ['/', '/search?q=x', '/documents/a%20b', '/subscribe/manage', '/..%2F..%2Fetc%2Fpasswd']) {
        const res = await fetch(`${server.url}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(res.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
        expect(await res.text()).toContain('<title>Policy Radar</title>');
      }
      expect(WEB_APP_CSP).not.toContain('unsafe-inline');

      const asset = await fetch(`${server.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe('gzip');
      expect(asset.headers.get('content-type')).toContain('javascript');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await asset.text()).toBe(js); // fetch decodes the gzip
      const plain = await fetch(`${server.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers.get('content-encoding')).toBeNull();

      const icon = await fetch(`${server.url}/favicon.svg`);
      expect(icon.headers.get('cache-control')).toBe('no-cache');
      expect(icon.headers.get('content-type')).toContain('image/svg+xml');

      // Missing files, dotfiles, other methods and the server's own paths are not the app.
      for (const path of [
        '/assets/index-old999.js',
        '/.secret',
        '/robots.txt',
        '/api/nope',
        '/health/x',
        '/metrics/x',
      ]) {
        expect({ path, status: (await fetch(`${server.url}${path}`)).status }).toEqual({ path, status: 404 });
      }
      expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${server.url}/%`)).status).toBe(404);
      const head = await fetch(`${server.url}/alerts`, { method: 'HEAD' });
      expect(head.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('finds dist/web of this checkout', () => {
    expect(findWebRoot()).toBe(join(__dirname, '..', '..', '..', 'dist', 'web'));
  });
});
