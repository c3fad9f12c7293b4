import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { BlockedAddressError, FetchNetworkError } from './fetch-errors';
import { blockedAddressReason } from './ip-ranges';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution used by the fetcher, for both the check and the connection (a port, so tests can pin names). */
export abstract class HostResolver {
  abstract resolve(hostname: string): Promise<ResolvedAddress[]>;
}

/** The operating system's resolver (dns.lookup: /etc/hosts, then DNS), every address. */
export class SystemHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    return lookup(hostname, { all: true, verbatim: true });
  }
}

/** The URL's hostname without IPv6 brackets. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Refuses a URL whose host is, or resolves to, an address the crawler must not reach. Every
 * address must pass: a name that resolves to one public and one private address is refused,
 * since the connection could use either. Runs before the host lease is taken and before any
 * connection; the connection itself goes through `guardedLookup`, which checks again.
 */
export async function assertPublicHost(requestUrl: string, url: URL, resolver: HostResolver): Promise<void> {
  const host = bareHostname(url);
  if (isIP(host)) {
    const reason = blockedAddressReason(host);
    if (reason) throw new BlockedAddressError(requestUrl === url.href ? requestUrl : url.href, host, host, reason);
    return;
  }
  const addresses = await resolveOrExplain(requestUrl, host, resolver);
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) throw new BlockedAddressError(url.href, host, address, reason);
  }
}

async function resolveOrExplain(url: string, host: string, resolver: HostResolver): Promise<ResolvedAddress[]> {
  try {
    const addresses = await resolver.resolve(host);
    if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    return addresses;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FetchNetworkError(url, code, `could not resolve ${host}: ${(error as Error).message}`);
  }
}

/**
 * A `lookup` for net.connect/tls.connect: resolves with `resolver` and, when `checked`, refuses
 * if any address is blocked. The socket connects to exactly the address validated here, so a
 * DNS answer that changes between the check and the connection (DNS rebinding) cannot slip
 * through. Honours `all` (Node's happy-eyeballs asks for every address) and `family`.
 */
export function guardedLookup(resolver: HostResolver, checked: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host);
    const answer: Promise<ResolvedAddress[]> = literal
      ? Promise.resolve([{ address: host, family: literal }])
      : resolver.resolve(host);
    answer.then(
      (all) => {
        if (checked) {
          for (const { address } of all) {
            const reason = blockedAddressReason(address);
            if (reason) {
              const error = new BlockedAddressError(`(connection to ${hostname})`, host, address, reason);
              callback(error as NodeJS.ErrnoException, '', 0);
              return;
            }
          }
        }
        const family = typeof options.family === 'number' ? options.family : 0;
        const usable = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
        if (usable.length === 0) {
          const error = Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' });
          callback(error, '', 0);
          return;
        }
        if (options.all) {
          callback(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
