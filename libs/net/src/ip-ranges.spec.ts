import { blockedAddressReason, ipv6Groups } from './ip-ranges';

describe('blockedAddressReason', () => {
  it.each([
    ['10.0.0.1', 'private network'],
    ['10.255.255.255', 'private network'],
    ['172.16.0.1', 'private network'],
    ['172.31.255.254', 'private network'],
    ['192.168.1.1', 'private network'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved (and broadcast)'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fc00::1', 'unique local (private network)'],
    ['fd12:3456::1', 'unique local (private network)'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped 127.0.0.1)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped 127.0.0.1)'],
    ['::ffff:169.254.169.254', 'link-local (cloud metadata) (IPv4-mapped 169.254.169.254)'],
    ['::10.0.0.1', 'private network (IPv4-compatible 10.0.0.1)'],
    ['64:ff9b::a00:1', 'private network (NAT64 10.0.0.1)'],
    ['2002:c0a8:0101::1', 'private network (6to4 192.168.1.1)'],
    ['localhost', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:0808:0808::1',
  ])('allows the public address %s', (address) => {
    expect(blockedAddressReason(address)).toBeUndefined();
  });

  it('expands IPv6 shorthand', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
