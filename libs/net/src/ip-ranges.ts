import { isIP } from 'node:net';

/**
 * Which IP addresses a crawler must never be tricked into reaching (SSRF): private networks,
 * loopback, link-local (cloud metadata at 169.254.169.254), CGNAT, multicast, reserved and
 * documentation ranges, and IPv6 forms that embed one of those IPv4 addresses (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4). Pure functions, no I/O.
 */

interface V4Range {
  base: number;
  bits: number;
  reason: string;
}

function v4ToInt(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const v4 = (cidr: string, reason: string): V4Range => {
  const [base, bits] = cidr.split('/');
  return { base: v4ToInt(base!), bits: Number(bits), reason };
};

const V4_BLOCKED: V4Range[] = [
  v4('0.0.0.0/8', 'unspecified ("this network")'),
  v4('10.0.0.0/8', 'private network'),
  v4('100.64.0.0/10', 'carrier-grade NAT'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local (cloud metadata)'),
  v4('172.16.0.0/12', 'private network'),
  v4('192.0.0.0/24', 'IETF protocol assignments'),
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', '6to4 relay anycast'),
  v4('192.168.0.0/16', 'private network'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved (and broadcast)'),
];

function classifyV4(address: string): string | undefined {
  const n = v4ToInt(address);
  for (const range of V4_BLOCKED) {
    const size = 2 ** (32 - range.bits);
    if (Math.floor(n / size) === Math.floor(range.base / size)) return range.reason;
  }
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (with a trailing dotted IPv4 part expanded). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToInt(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].map((g) => parseInt(g, 16));
}

function v4FromGroups(hi: number, lo: number): string {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function classifyV6(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (g.length !== 8 || g.some((x) => !Number.isInteger(x) || x < 0 || x > 0xffff)) return 'unparseable IPv6 address';
  const zeroPrefix = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (zeroPrefix(7) && g[7] === 1) return 'loopback';
  const embedded = (hi: number, lo: number, form: string) => {
    const reason = classifyV4(v4FromGroups(hi, lo));
    return reason ? `${reason} (${form} ${v4FromGroups(hi, lo)})` : undefined;
  };
  if (zeroPrefix(5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!, 'IPv4-mapped');
  if (zeroPrefix(6)) return embedded(g[6]!, g[7]!, 'IPv4-compatible') ?? 'reserved (IPv4-compatible)';
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6]!, g[7]!, 'NAT64');
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'local-use NAT64';
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!, '6to4');
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'discard-only';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'documentation';
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique local (private network)';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'site-local (deprecated private network)';
  if ((first & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/**
 * Why an address must not be reached, or undefined when it is a public unicast address.
 * Accepts IPv6 with or without brackets or zone id. Anything that is not an IP is refused.
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1');
  switch (isIP(bare.replace(/%.*$/, ''))) {
    case 4:
      return classifyV4(bare);
    case 6:
      return classifyV6(bare);
    default:
      return 'not an IP address';
  }
}
