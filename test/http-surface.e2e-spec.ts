import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bootRadar, RunningRadar } from '@radar/runtime';
import { createTestEnv, freePort, TestEnv } from '@radar/testing';
import { ApiModule } from '../apps/api/src/api.module';
import { findWebRoot, WEB_APP_NOT_BUILT } from '../apps/api/src/web-app.middleware';

/**
 * What the API serves around its endpoints: the OpenAPI document and UI, security headers, CORS,
 * and the admin queue dashboard behind ADMIN_TOKEN. Boots the API role on real Redis.
 */

const ADMIN_TOKEN = 'admin-token-for-e2e-0123456789';

async function boot(env: Record<string, string>): Promise<{ env: TestEnv; radar: RunningRadar }> {
  const port = await freePort();
  const testEnv = createTestEnv({ PORT: String(port), ...env });
  const radar = await bootRadar({
    name: 'http-e2e',
    roles: [ApiModule],
    http: true,
    config: testEnv.config,
    logLevels: ['error'],
  });
  return { env: testEnv, radar };
}

describe('HTTP surface: OpenAPI, headers, CORS, admin dashboard', () => {
  let withAdmin: { env: TestEnv; radar: RunningRadar };
  let withoutAdmin: { env: TestEnv; radar: RunningRadar };
  let api: string;

  beforeAll(async () => {
    withAdmin = await boot({ ADMIN_TOKEN });
    withoutAdmin = await boot({ CORS_ORIGINS: 'https://app.example.org' });
    api = withAdmin.radar.url!;
  });

  afterAll(async () => {
    for (const b of [withAdmin, withoutAdmin]) {
      await b?.radar.close();
      await b?.env.cleanup();
    }
  });

  it('serves an OpenAPI 3 document of the endpoints with their parameters and errors', async () => {
    const res = await fetch(`${api}/api/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, any>;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'Policy Radar API', version: '0.1.0' });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/search',
        '/api/alerts',
        '/api/alerts/{id}',
        '/api/documents/{id}',
        '/api/subscriptions',
        '/api/sources',
        '/api/alerts.atom',
        '/api/alerts.ics',
        '/health',
        '/metrics',
      ]),
    );
    expect(doc.paths['/']).toBeUndefined();
    const names = (op: any) => (op.parameters ?? []).map((p: any) => `${p.in}:${p.name}`);
    const search = doc.paths['/api/search'].get;
    expect(names(search)).toEqual(
      expect.arrayContaining([
        'query:q',
        'query:sort',
        'query:limit',
        'query:cursor',
        'query:facets',
        'query:histogram',
      ]),
    );
    expect(search.responses['400'].content['application/json'].schema.oneOf[1].properties.position.type).toBe(
      'integer',
    );
    expect(names(doc.paths['/api/alerts'].get)).toEqual(
      expect.arrayContaining(['query:sector', 'query:priority', 'query:state', 'query:since', 'query:limit']),
    );
    expect(names(doc.paths['/api/documents/{id}'].get)).toEqual(['path:id']);
    expect(doc.paths['/api/documents/{id}'].get.responses).toHaveProperty('404');
    const subscribe = doc.paths['/api/subscriptions'].post;
    expect(subscribe.requestBody.content['application/json'].schema.required).toEqual(['email']);
    expect(Object.keys(subscribe.responses)).toEqual(expect.arrayContaining(['202', '400', '429']));
    expect(doc.paths['/health'].get.responses).toHaveProperty('503');
    expect(doc.paths['/metrics'].get.responses['200'].content).toHaveProperty(['text/plain']);
    // Every operation is described and tagged; no stray parameter from `@Query() raw`.
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        expect({ path, method, summary: typeof op.summary, tags: op.tags?.length > 0 }).toEqual({
          path,
          method,
          summary: 'string',
          tags: true,
        });
        for (const p of op.parameters ?? []) expect(p.name).toMatch(/^[a-zA-Z]+$/);
      }
    }
  });

  it('serves the Swagger UI at /api/docs with its assets', async () => {
    const res = await fetch(`${api}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('swagger-ui-bundle.js');
    const asset = await fetch(`${api}/api/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    const init = await fetch(`${api}/api/docs/swagger-ui-init.js`);
    expect(await init.text()).toContain('Policy Radar API');
  });

  it('sends security headers on every response and no CORS header by default', async () => {
    for (const path of ['/health', '/api/docs', '/api/search?q=x']) {
      const res = await fetch(`${api}${path}`, { headers: { Origin: 'https://evil.example.com' } });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('answers CORS only for the configured origins', async () => {
    const url = withoutAdmin.radar.url!;
    const allowed = await fetch(`${url}/health`, { headers: { Origin: 'https://app.example.org' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    const other = await fetch(`${url}/health`, { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the web app at / and its client routes with a strict policy, or says to build it', async () => {
    const routes = ['/', '/alerts', '/documents/abc', '/subscribe/confirm?token=x'];
    if (!existsSync(join(findWebRoot(), 'index.html'))) {
      // jest without `npm run build` (the browser tests build dist/web first when they run).
      for (const path of routes) {
        const res = await fetch(`${api}${path}`);
        expect(res.status).toBe(503);
        expect(await res.text()).toBe(`${WEB_APP_NOT_BUILT}\n`);
      }
      return;
    }
    for (const path of routes) {
      const res = await fetch(`${api}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<title>Policy Radar</title>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    }
    const script = /<script[^>]*src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${api}/`)).text())![1]!;
    const asset = await fetch(`${api}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The server's own paths are never the app: an unknown API path is the API's JSON 404.
    for (const path of ['/api/nope', '/admin/nope', '/health/nope', '/metrics/nope', '/assets/gone-123.js']) {
      const res = await fetch(`${api}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
  });

  it('guards the queue dashboard with ADMIN_TOKEN', async () => {
    const none = await fetch(`${api}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await fetch(`${api}/admin/queues/api/queues`, { headers: { Authorization: 'Bearer wrong-token' } });
    expect(wrong.status).toBe(401);

    const bearer = await fetch(`${api}/admin/queues`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(bearer.status).toBe(200);
    expect(await bearer.text()).toContain('<base href="/admin/queues/"');
    expect(bearer.headers.get('x-powered-by')).toBeNull();
    expect(bearer.headers.get('content-security-policy')).toContain("script-src 'self'");

    const viaQuery = await fetch(`${api}/admin/queues?token=${encodeURIComponent(ADMIN_TOKEN)}`);
    expect(viaQuery.status).toBe(200);
    const setCookie = viaQuery.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/radar_admin=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Path=\/admin\/queues/);
    expect(setCookie).not.toContain(ADMIN_TOKEN);

    const cookie = setCookie.split(';')[0];
    const queues = await fetch(`${api}/admin/queues/api/queues`, { headers: { cookie } });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['crawl', 'email', 'ingest', 'match', 'webhook']);
  });

  it('does not serve the dashboard at all without ADMIN_TOKEN', async () => {
    const res = await fetch(`${withoutAdmin.radar.url}/admin/queues`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(404);
  });
});
