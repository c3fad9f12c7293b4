import type { LookupAddress } from 'node:dns';
import { BlockedAddressError, FetchNetworkError } from './fetch-errors';
import { assertPublicHost, guardedLookup, HostResolver, ResolvedAddress } from './ssrf-guard';

/** Answers from a script, one per call: a DNS server that changes its mind (rebinding). */
class ScriptedResolver extends HostResolver {
  calls = 0;
  constructor(private readonly answers: ResolvedAddress[][]) {
    super();
  }
  async resolve(): Promise<ResolvedAddress[]> {
    return this.answers[Math.min(this.calls++, this.answers.length - 1)]!;
  }
}

const PUBLIC = { address: '93.184.216.34', family: 4 };
const LOOPBACK = { address: '127.0.0.1', family: 4 };

function lookupOnce(
  resolver: HostResolver,
  checked: boolean,
  options: { all?: boolean; family?: number } = {},
): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) =>
    guardedLookup(resolver, checked)('feeds.agency.example', options, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  );
}

describe('assertPublicHost', () => {
  it('passes a host whose every address is public, refuses one with any private address', async () => {
    const url = new URL('https://feeds.agency.example/rss');
    await expect(assertPublicHost(url.href, url, new ScriptedResolver([[PUBLIC]]))).resolves.toBeUndefined();
    await expect(assertPublicHost(url.href, url, new ScriptedResolver([[PUBLIC, LOOPBACK]]))).rejects.toThrow(
      BlockedAddressError,
    );
  });

  it('explains a name that does not resolve', async () => {
    const url = new URL('https://nowhere.example/rss');
    const failing = new (class extends HostResolver {
      async resolve(): Promise<ResolvedAddress[]> {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
      }
    })();
    const attempt = assertPublicHost(url.href, url, failing);
    await expect(attempt).rejects.toThrow(FetchNetworkError);
    await expect(attempt).rejects.toThrow(/could not resolve nowhere.example/);
  });
});

describe('guardedLookup (the connection-time check)', () => {
  it('refuses at connection time when the answer changed to a private address after the check (DNS rebinding)', async () => {
    const resolver = new ScriptedResolver([[PUBLIC], [LOOPBACK]]);
    const url = new URL('http://feeds.agency.example/rss');
    await assertPublicHost(url.href, url, resolver); // first answer: public, passes
    const { error } = await lookupOnce(resolver, true); // second answer: loopback
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as unknown as BlockedAddressError).atConnection).toBe(true);
  });

  it('hands the socket exactly the addresses it checked, in the shape net.connect asks for', async () => {
    const v6 = { address: '2606:4700::6810:84e5', family: 6 };
    expect(await lookupOnce(new ScriptedResolver([[PUBLIC, v6]]), true, { all: true })).toEqual({
      error: null,
      address: [PUBLIC, v6],
      family: undefined,
    });
    expect(await lookupOnce(new ScriptedResolver([[PUBLIC, v6]]), true, { family: 6 })).toEqual({
      error: null,
      address: v6.address,
      family: 6,
    });
  });

  it('does not check when the source allows private networks', async () => {
    expect(await lookupOnce(new ScriptedResolver([[LOOPBACK]]), false)).toEqual({
      error: null,
      address: '127.0.0.1',
      family: 4,
    });
  });
});
