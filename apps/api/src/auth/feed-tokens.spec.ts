import { canonicalFeedTarget, signFeedToken, verifyFeedToken } from './feed-tokens';

describe('feed tokens', () => {
  const secret = Buffer.from('x'.repeat(32));
  const target = (url: string) => {
    const u = new URL(url, 'http://radar.invalid');
    return canonicalFeedTarget(u.pathname, u.searchParams);
  };

  it('names the same feed whatever the order of its filters, without the token itself', () => {
    expect(target('/api/alerts.atom?sector=a&priority=high&token=zzz')).toBe('/api/alerts.atom?priority=high&sector=a');
    expect(target('/api/alerts.atom?sector=b&sector=a')).toBe('/api/alerts.atom?sector=a&sector=b');
    expect(target('/api/alerts.ics')).toBe('/api/alerts.ics');
  });

  it('verifies its own signature for that target and key only', () => {
    const token = signFeedToken(secret, 'abcdef012345', target('/api/alerts.atom?sector=a'));
    expect(verifyFeedToken(secret, token, target('/api/alerts.atom?sector=a'))).toBe('abcdef012345');
    expect(verifyFeedToken(secret, token, target('/api/alerts.atom?sector=b'))).toBeNull();
    expect(verifyFeedToken(Buffer.from('y'.repeat(32)), token, target('/api/alerts.atom?sector=a'))).toBeNull();
    expect(
      verifyFeedToken(secret, token.replace('abcdef012345', 'abcdef012346'), target('/api/alerts.atom?sector=a')),
    ).toBeNull();
    for (const junk of ['', '.', 'abcdef012345.', 'abcdef012345', 'ABC.def', `abcdef012345.${'A'.repeat(43)}`]) {
      expect(verifyFeedToken(secret, junk, target('/api/alerts.atom?sector=a'))).toBeNull();
    }
  });
});
