import { createServer, type Server } from 'node:http';
import { request } from 'undici';
import {
  BlockedAddressRefusal,
  createGuardedAgent,
  findBlockedAddress,
  HostResolver,
  type ResolvedAddress,
} from './address-guard';

/** Every name answers 127.0.0.1, as a hostile DNS server would. */
class LoopbackResolver extends HostResolver {
  async resolve(): Promise<ResolvedAddress[]> {
    return [{ address: '127.0.0.1', family: 4 }];
  }
}

function causeChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) out.push(e);
  return out;
}

describe('createGuardedAgent (real loopback HTTP server)', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  const resolver = new LoopbackResolver();
  const agent = (checked: boolean) =>
    createGuardedAgent({ resolver, checked, connectTimeoutMs: 1000, headersTimeoutMs: 2000, bodyTimeoutMs: 2000 });

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a literal loopback address and a name resolving to one before connecting', async () => {
    const checked = agent(true);
    for (const url of [`http://127.0.0.1:${port}/`, `http://hooks.example.com:${port}/`]) {
      const error = await request(url, { dispatcher: checked }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(causeChain(error).some((e) => e instanceof BlockedAddressRefusal)).toBe(true);
    }
    expect(hits).toBe(0);
    await checked.close();
  });

  it('connects when the check is off (an explicitly allowed private receiver)', async () => {
    const open = agent(false);
    const res = await request(`http://hooks.example.com:${port}/`, { dispatcher: open });
    expect(await res.body.text()).toBe('ok');
    expect(hits).toBe(1);
    await open.close();
  });

  it('findBlockedAddress names the host, the address and the reason', async () => {
    expect(await findBlockedAddress(new URL('https://hooks.example.com/x'), resolver)).toEqual({
      host: 'hooks.example.com',
      address: '127.0.0.1',
      reason: 'loopback',
    });
    expect(await findBlockedAddress(new URL('https://[::1]/x'), resolver)).toMatchObject({ reason: 'loopback' });
    expect(await findBlockedAddress(new URL('https://93.184.216.34/x'), resolver)).toBeUndefined();
  });
});
