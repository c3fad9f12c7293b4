import { existsSync, readFileSync } from 'node:fs';
import { firstAdminKeyFile } from '../apps/api/src/auth/api-keys.service';
import { LoopbackSystem, rssFeed, startLoopbackSystem } from './support/loopback-system';

/**
 * Access control over HTTP: API keys with roles, public endpoints, feed tokens, key management
 * and request rate limits, on the whole system (real Redis, SQLite, loopback feed).
 */
describe('access: API keys, roles, feed tokens, rate limits', () => {
  let system: LoopbackSystem;
  let api: string;

  const call = (path: string, init: RequestInit = {}) => fetch(`${api}${path}`, init);
  const as = (role: 'admin' | 'analyst' | 'policy', init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { ...system.auth(role), ...(init.headers as Record<string, string> | undefined) },
  });
  const patchAlert = (init: RequestInit) =>
    call('/api/alerts/no-such-alert', {
      ...init,
      method: 'PATCH',
      headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
      body: JSON.stringify({ state: 'reviewed' }),
    });

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'e2e-access',
      feedBody: rssFeed([]),
      env: { API_RATE_LIMIT_PER_MINUTE: '1000', API_PUBLIC_RATE_LIMIT_PER_MINUTE: '1000' },
    });
    api = system.api;
  });

  afterAll(async () => {
    await system?.close();
  });

  it('refuses a request without a key (401 with WWW-Authenticate) and an unknown key alike', async () => {
    const none = await call('/api/search?q=reactor');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).message).toContain('Authorization: Bearer');
    const unknown = await call('/api/search', { headers: { authorization: `Bearer rk_${'A'.repeat(43)}` } });
    expect(unknown.status).toBe(401);
    const garbage = await call('/api/search', { headers: { authorization: 'Bearer not-a-key' } });
    expect(garbage.status).toBe(401);
    // X-Api-Key works as well as the Authorization header.
    expect((await call('/api/search', { headers: { 'x-api-key': system.keys.analyst } })).status).toBe(200);
  });

  it('keeps subscribe, confirm, manage, unsubscribe, taxonomy and health open', async () => {
    expect((await call('/api/taxonomy')).status).toBe(200);
    expect((await call('/health/live')).status).toBe(200);
    const subscribe = await call('/api/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'reader@example.org', query: 'reactor' }),
    });
    expect(subscribe.status).toBe(202);
    // A bad token is the endpoint's own 4xx, not a 401: the route is public.
    expect((await call('/api/subscriptions/confirm?token=nope')).status).toBe(404);
    expect((await call('/api/subscriptions/manage?token=nope')).status).not.toBe(401);
  });

  it('admits each role to its endpoints only; admin to all (403 names what is needed)', async () => {
    const matrix: [string, RequestInit | undefined, Record<'admin' | 'analyst' | 'policy', number>][] = [
      ['/api/search?q=', undefined, { admin: 200, analyst: 200, policy: 200 }],
      ['/api/export?format=jsonl', undefined, { admin: 200, analyst: 200, policy: 403 }],
      ['/api/trends?by=sector', undefined, { admin: 200, analyst: 200, policy: 200 }],
      ['/api/alerts', undefined, { admin: 200, analyst: 200, policy: 200 }],
      ['/api/sources', undefined, { admin: 200, analyst: 403, policy: 403 }],
      ['/api/outbox', undefined, { admin: 200, analyst: 403, policy: 403 }],
      ['/metrics', undefined, { admin: 200, analyst: 403, policy: 403 }],
      ['/api/keys', undefined, { admin: 200, analyst: 403, policy: 403 }],
    ];
    for (const [path, , want] of matrix) {
      for (const role of ['admin', 'analyst', 'policy'] as const) {
        const res = await call(path, as(role));
        await res.arrayBuffer();
        expect({ path, role, status: res.status }).toEqual({ path, role, status: want[role] });
      }
    }
    // Triage is the policy team's: an analyst gets 403 before the alert is even looked up.
    const analyst = await patchAlert(as('analyst'));
    expect(analyst.status).toBe(403);
    expect((await analyst.json()).message).toBe('A analyst key may not use this endpoint (it needs policy or admin)');
    expect((await patchAlert(as('policy'))).status).toBe(404);
  });

  it('manages keys: created once with its secret, listed without it, revoked at once', async () => {
    const created = await call('/api/keys', {
      ...as('admin'),
      method: 'POST',
      headers: { ...system.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'analyst', name: 'temporary analyst' }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string; key: string; role: string };
    expect(body.key).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);
    expect(body.role).toBe('analyst');
    const listing = JSON.stringify(await (await call('/api/keys', as('admin'))).json());
    expect(listing).toContain(body.id);
    expect(listing).not.toContain(body.key);
    expect(listing).not.toMatch(/"hash"/);
    const withKey = { headers: { authorization: `Bearer ${body.key}` } };
    expect((await call('/api/search?q=', withKey)).status).toBe(200);
    expect((await call(`/api/keys/${body.id}`, { ...as('admin'), method: 'DELETE' })).status).toBe(200);
    expect((await call('/api/search?q=', withKey)).status).toBe(401);
    expect((await call('/api/keys/ffffffffffff', { ...as('admin'), method: 'DELETE' })).status).toBe(404);
    const bad = await call('/api/keys', {
      method: 'POST',
      headers: { ...system.auth('admin'), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'root' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toHaveLength(2);
  });

  it('writes a first admin key to DATA_DIR/admin-key when a fresh install has none', async () => {
    const file = firstAdminKeyFile(system.env.config);
    expect(existsSync(file)).toBe(true);
    const key = readFileSync(file, 'utf8').trim();
    expect((await call('/api/keys', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
  });

  it('opens a feed with a signed link for exactly its URL, until its key is revoked', async () => {
    const { key, id } = (await (
      await call('/api/keys', {
        method: 'POST',
        headers: { ...system.auth('admin'), 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'policy', name: 'calendar' }),
      })
    ).json()) as { key: string; id: string };
    const link = async (url: string) =>
      call('/api/feed-links', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
    const res = await link('/api/alerts.atom?sector=semiconductors&priority=high');
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const signed = new URL(url);
    expect(signed.searchParams.get('token')).toMatch(new RegExp(`^${id}\\.`));
    const path = `${signed.pathname}${signed.search}`;
    const feed = await call(path);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toContain('atom');
    // The same filters in another order are the same feed; another filter is not.
    const reordered = new URL(url);
    reordered.search = `?priority=high&sector=semiconductors&token=${encodeURIComponent(signed.searchParams.get('token')!)}`;
    expect((await call(`${reordered.pathname}${reordered.search}`)).status).toBe(200);
    expect((await call(path.replace('sector=semiconductors', 'sector=nuclear-energy'))).status).toBe(401);
    expect((await call(path.replace('/api/alerts.atom', '/api/alerts.rss'))).status).toBe(401);
    // A token is never a key for other routes.
    expect((await call(`/api/alerts?token=${encodeURIComponent(signed.searchParams.get('token')!)}`)).status).toBe(401);
    expect((await link('/api/keys')).status).toBe(400);
    await call(`/api/keys/${id}`, { ...as('admin'), method: 'DELETE' });
    expect((await call(path)).status).toBe(401);
  });

  it('lists the API key scheme on every non-public operation of the OpenAPI document', async () => {
    const doc = (await (await call('/api/docs-json')).json()) as {
      components: { securitySchemes: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/search']!.get!.security).toEqual([{ 'api-key': [] }]);
    expect(doc.paths['/api/subscriptions']!.post!.security).toBeUndefined();
  });
});

describe('access: rate limits', () => {
  let system: LoopbackSystem;

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'e2e-ratelimit',
      feedBody: rssFeed([]),
      env: { API_RATE_LIMIT_PER_MINUTE: '5', API_PUBLIC_RATE_LIMIT_PER_MINUTE: '3' },
    });
  });

  afterAll(async () => {
    await system?.close();
  });

  it('answers 429 with Retry-After past the per-key and per-address limits, each counted apart', async () => {
    const send = async (n: number, path: string, init?: RequestInit) => {
      const out: Response[] = [];
      for (let i = 0; i < n; i++) out.push(await fetch(`${system.api}${path}`, init));
      return out;
    };
    // Windows are calendar minutes: 12 requests span at most two of them, so one holds at least
    // 6 and the limit of 5 is reached whatever the clock says.
    const analyst = await send(12, '/api/search?q=', { headers: system.auth('analyst') });
    const refused = analyst.find((r) => r.status === 429)!;
    expect(refused).toBeDefined();
    expect(analyst.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect((await refused.json()).message).toContain('5 requests a minute for this key');
    // Another key has its own budget.
    expect((await fetch(`${system.api}/api/search?q=`, { headers: system.auth('policy') })).status).toBe(200);
    // Without a key: the address's budget (3), public pages included; 8 requests reach it.
    const anonymous = await send(8, '/api/taxonomy');
    expect(anonymous.map((r) => r.status)).toContain(429);
    expect(anonymous.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
  });
});
