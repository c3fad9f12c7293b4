import { createTestEnv, pollUntil, TestEnv } from '@radar/testing';
import Redis from 'ioredis';
import { RedisHostGate } from './host-gate';

describe('RedisHostGate (real Redis)', () => {
  let env: TestEnv;
  let redis: Redis;
  const gates: RedisHostGate[] = [];
  const gate = (delayMs: number, leaseTtlMs = 10000) => {
    const g = new RedisHostGate(env.config, leaseTtlMs, delayMs);
    gates.push(g);
    return g;
  };

  beforeAll(() => {
    env = createTestEnv();
    redis = new Redis(env.config.redisUrl);
  });

  afterAll(async () => {
    await Promise.all(gates.map((g) => g.close()));
    redis?.disconnect();
    await env?.cleanup();
  });

  it('lets one request per host through; a second process is told when to come back', async () => {
    const a = gate(0);
    const b = gate(0); // another crawler process: its own Redis connection, no shared memory
    const first = await a.acquire('www.federalregister.gov');
    expect(first.granted).toBe(true);
    const second = await b.acquire('www.federalregister.gov');
    expect(second.granted).toBe(false);
    if (second.granted) return;
    expect(second.notBefore).toBeGreaterThan(Date.now() - 5000);
    expect((await b.acquire('www.congress.gov')).granted).toBe(true); // other hosts are not held up
    if (first.granted) await a.release(first.lease);
    const third = await b.acquire('WWW.FEDERALREGISTER.GOV');
    expect(third.granted).toBe(true);
    expect(await redis.exists(`${env.config.queuePrefix}:host:www.federalregister.gov:lease`)).toBe(1);
  });

  it('keeps the host resting for the delay after a release', async () => {
    const g = gate(800);
    const first = await g.acquire('rest.example.gov');
    if (!first.granted) throw new Error('expected the lease');
    const nextAllowed = await g.release(first.lease);
    const busy = await g.acquire('rest.example.gov');
    expect(busy).toEqual({ granted: false, notBefore: nextAllowed });
    const granted = await pollUntil(
      () => g.acquire('rest.example.gov'),
      (d) => d.granted,
      { what: 'the host to be free again', intervalMs: 50, timeoutMs: 10000 },
    );
    expect(granted.granted).toBe(true);
    expect(Date.now()).toBeGreaterThanOrEqual(nextAllowed - 50); // Redis' clock, same machine
  });

  it('spreads waiters out instead of promising them all the same moment', async () => {
    const g = gate(1000);
    const holder = await g.acquire('herd.example.gov');
    expect(holder.granted).toBe(true);
    const promises: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = await g.acquire('herd.example.gov');
      if (d.granted) throw new Error('expected busy');
      promises.push(d.notBefore);
    }
    for (let i = 1; i < promises.length; i++) expect(promises[i]! - promises[i - 1]!).toBeGreaterThanOrEqual(1000);
  });

  it('sends waiters back about when the host should be free: one usual request time apart', async () => {
    const g = gate(0);
    const unknown = await g.acquire('quick.example.gov');
    if (!unknown.granted) throw new Error('expected the lease');
    const firstWait = await g.acquire('quick.example.gov');
    // No request has finished yet: how long one takes is unknown, so waiters come back in a second.
    expect(firstWait.granted === false && firstWait.notBefore - Date.now()).toBeGreaterThan(800);
    await g.release(unknown.lease);
    await redis.del(`${env.config.queuePrefix}:host:quick.example.gov:tail`);
    for (let i = 0; i < 3; i++) {
      const quick = await g.acquire('quick.example.gov');
      if (!quick.granted) throw new Error('expected the lease');
      await g.release(quick.lease); // held a few ms
    }
    const holder = await g.acquire('quick.example.gov');
    expect(holder.granted).toBe(true);
    const now = Date.now();
    const promises: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await g.acquire('quick.example.gov');
      if (d.granted) throw new Error('expected busy');
      promises.push(d.notBefore);
    }
    expect(promises[0]! - now).toBeLessThan(300);
    for (let i = 1; i < promises.length; i++) {
      expect(promises[i]! - promises[i - 1]!).toBeGreaterThanOrEqual(20);
      expect(promises[i]! - promises[i - 1]!).toBeLessThan(300);
    }
  });

  it('honours a Retry-After pushed at release, and frees a lease whose holder died', async () => {
    const g = gate(0, 300);
    const first = await g.acquire('slow.example.gov');
    if (!first.granted) throw new Error('expected the lease');
    const retryAt = Date.now() + 60000;
    expect(await g.release(first.lease, retryAt)).toBe(retryAt);
    const busy = await g.acquire('slow.example.gov');
    expect(busy.granted).toBe(false);
    if (!busy.granted) expect(busy.notBefore).toBeGreaterThanOrEqual(retryAt);

    expect((await g.acquire('crashed.example.gov')).granted).toBe(true); // never released
    const after = await pollUntil(
      () => g.acquire('crashed.example.gov'),
      (d) => d.granted,
      { what: 'the abandoned lease to expire', intervalMs: 50, timeoutMs: 10000 },
    );
    expect(after.granted).toBe(true);
  });
});
