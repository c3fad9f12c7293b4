/**
 * The SSRF guard shared by every role that makes HTTP requests to URLs it did not choose itself:
 * the crawler (source URLs from configuration and their redirects) and the notifier's webhooks
 * (URLs typed in by a team member). Name resolution is a port, so tests can pin names.
 *
 * Two checks, both needed:
 * - `findBlockedAddress` before anything is sent: a URL whose host is, or resolves to, a blocked
 *   address (see ./ip-ranges) is refused with a clear reason;
 * - `guardedLookup` / `createGuardedAgent` at connect time: the socket connects to exactly the
 *   address checked there, so a DNS answer that changes between the first check and the
 *   connection (DNS rebinding) cannot slip through.
 */
import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { blockedAddressReason } from './ip-ranges';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution used for both the check and the connection (a port, so tests can pin names). */
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

/** Why one address of a host must not be reached. */
export interface BlockedAddress {
  /** The host as written in the URL (brackets removed). */
  host: string;
  address: string;
  reason: string;
}

/**
 * Builds the error a refused connection fails with; each caller words it for its operators
 * (`hostname` is what the connection asked for, `host` the same without brackets).
 */
export type RefusalFactory = (blocked: BlockedAddress, hostname: string) => Error;

/** A refused address, for callers with no error type of their own. */
export class BlockedAddressRefusal extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host === address ? host : `${host} resolves to ${address}, which`} is ${reason}; refused (SSRF guard)`);
    this.name = 'BlockedAddressRefusal';
  }
}

const defaultRefusal: RefusalFactory = (b) => new BlockedAddressRefusal(b.host, b.address, b.reason);

/** `blockedAddressReason` for an address a connection is about to use, as a BlockedAddress. */
export function blockedLiteral(host: string): BlockedAddress | undefined {
  if (!isIP(host)) return undefined;
  const reason = blockedAddressReason(host);
  return reason ? { host, address: host, reason } : undefined;
}

/**
 * The first blocked address of a URL's host, or undefined when every address is public. Every
 * address must pass: a name that resolves to one public and one private address is refused,
 * since the connection could use either. Resolution errors (no such name) are thrown as they
 * come from the resolver.
 */
export async function findBlockedAddress(url: URL, resolver: HostResolver): Promise<BlockedAddress | undefined> {
  const host = bareHostname(url);
  if (isIP(host)) return blockedLiteral(host);
  const addresses = await resolver.resolve(host);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  for (const { address } of addresses) {
    const reason = blockedAddressReason(address);
    if (reason) return { host, address, reason };
  }
  return undefined;
}

/**
 * A `lookup` for net.connect/tls.connect: resolves with `resolver` and, when `checked`, refuses
 * if any address is blocked. The socket connects to exactly the address validated here.
 * Honours `all` (Node's happy-eyeballs asks for every address) and `family`.
 */
export function guardedLookup(
  resolver: HostResolver,
  checked: boolean,
  refuse: RefusalFactory = defaultRefusal,
): LookupFunction {
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
              callback(refuse({ host, address, reason }, hostname) as NodeJS.ErrnoException, '', 0);
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

export interface GuardedAgentOptions {
  resolver: HostResolver;
  /** false: same resolver, no address check (a source or receiver allowed on a private network). */
  checked: boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Connections per origin (default 4). */
  connections?: number;
  refuse?: RefusalFactory;
}

/**
 * An undici dispatcher that connects only to addresses that pass the guard (when `checked`):
 * names through `guardedLookup`, and literal IPs (which net.connect never looks up) checked
 * before connecting.
 */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const refuse = options.refuse ?? defaultRefusal;
  const connect = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: guardedLookup(options.resolver, options.checked, refuse),
  });
  return new Agent({
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    connections: options.connections ?? 4,
    connect: (connectOptions, callback) => {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1');
      const blocked = options.checked ? blockedLiteral(host) : undefined;
      if (blocked) callback(refuse(blocked, connectOptions.hostname), null);
      else connect(connectOptions, callback);
    },
  });
}
