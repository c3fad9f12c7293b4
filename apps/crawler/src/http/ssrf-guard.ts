/**
 * The crawler's face of the shared SSRF guard (@radar/net): the same checks, failing with the
 * crawler's FetchError types, whose messages name the source URL and `allowPrivateNetwork`.
 */
import type { LookupFunction } from 'node:net';
import {
  bareHostname,
  findBlockedAddress,
  guardedLookup as sharedGuardedLookup,
  type BlockedAddress,
  type HostResolver,
  type RefusalFactory,
} from '@radar/net';
import { BlockedAddressError, FetchNetworkError } from './fetch-errors';

export { bareHostname, HostResolver, SystemHostResolver, type ResolvedAddress } from '@radar/net';

/** A connection refused at connect time: the fetcher fills in the URL (see BlockedAddressError.atConnection). */
export const refuseConnection: RefusalFactory = (b: BlockedAddress, hostname: string) =>
  new BlockedAddressError(`(connection to ${hostname})`, b.host, b.address, b.reason);

/**
 * Refuses a URL whose host is, or resolves to, an address the crawler must not reach. Runs
 * before the host lease is taken and before any connection; the connection itself goes through
 * `guardedLookup`, which checks again.
 */
export async function assertPublicHost(requestUrl: string, url: URL, resolver: HostResolver): Promise<void> {
  let blocked: BlockedAddress | undefined;
  try {
    blocked = await findBlockedAddress(url, resolver);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FetchNetworkError(
      requestUrl,
      code,
      `could not resolve ${bareHostname(url)}: ${(error as Error).message}`,
    );
  }
  if (!blocked) return;
  const literal = blocked.host === blocked.address;
  throw new BlockedAddressError(
    literal && requestUrl === url.href ? requestUrl : url.href,
    blocked.host,
    blocked.address,
    blocked.reason,
  );
}

/** The shared connect-time lookup, refusing with the crawler's BlockedAddressError. */
export function guardedLookup(resolver: HostResolver, checked: boolean): LookupFunction {
  return sharedGuardedLookup(resolver, checked, refuseConnection);
}
