import { canonicalUrl, isTrackingParam, normaliseUrl, registrableDomain, stripTrackingParams } from './canonical-url';
import { loadHtml } from './html-text';

const PAGE = 'https://www.example.com/news/story.html';

function head(inner: string): string {
  return `<html><head>${inner}</head><body><p>text</p></body></html>`;
}

describe('canonicalUrl', () => {
  it('takes an absolute rel=canonical', () => {
    const html = head('<link rel="canonical" href="https://www.example.com/news/the-story">');
    expect(canonicalUrl(html, PAGE)).toBe('https://www.example.com/news/the-story');
  });

  it('resolves a relative rel=canonical against the page, and against <base href>', () => {
    expect(canonicalUrl(head('<link rel="canonical" href="../a/b?id=7">'), PAGE)).toBe(
      'https://www.example.com/a/b?id=7',
    );
    const withBase = head('<base href="https://www.example.com/archive/"><link rel="canonical" href="b">');
    expect(canonicalUrl(withBase, PAGE)).toBe('https://www.example.com/archive/b');
  });

  it('prefers rel=canonical over og:url, falls back to og:url, then to the url', () => {
    const both = head(
      '<meta property="og:url" content="https://www.example.com/og"><link rel="canonical" href="/canonical">',
    );
    expect(canonicalUrl(both, PAGE)).toBe('https://www.example.com/canonical');
    expect(canonicalUrl(head('<meta property="og:url" content="https://example.com/og">'), PAGE)).toBe(
      'https://example.com/og',
    );
    expect(canonicalUrl(head(''), `${PAGE}?utm_source=x#top`)).toBe(PAGE);
  });

  it('accepts a cheerio document', () => {
    const $ = loadHtml(head('<link rel="canonical" href="/x">'));
    expect(canonicalUrl($, PAGE)).toBe('https://www.example.com/x');
  });

  it('accepts a canonical on the same registrable domain', () => {
    const html = head('<link rel="canonical" href="https://example.com/news/story">');
    expect(canonicalUrl(html, 'https://amp.example.com/news/story')).toBe('https://example.com/news/story');
    const uk = head('<link rel="canonical" href="https://www.bbc.co.uk/news/1">');
    expect(canonicalUrl(uk, 'https://news.bbc.co.uk/news/1?at_medium=rss')).toBe('https://www.bbc.co.uk/news/1');
  });

  it('refuses a canonical on another site and uses the next candidate', () => {
    const other = head('<link rel="canonical" href="https://www.whitehouse.gov/briefing/1">');
    expect(canonicalUrl(other, PAGE)).toBe(PAGE);
    const otherThenOg = head(
      '<link rel="canonical" href="https://evil.test/x"><meta property="og:url" content="https://www.example.com/og">',
    );
    expect(canonicalUrl(otherThenOg, PAGE)).toBe('https://www.example.com/og');
    // Different owners under one country suffix or one hosting platform are different sites.
    expect(canonicalUrl(head('<link rel="canonical" href="https://evil.co.uk/1">'), 'https://bbc.co.uk/1')).toBe(
      'https://bbc.co.uk/1',
    );
    expect(
      canonicalUrl(head('<link rel="canonical" href="https://bob.github.io/p">'), 'https://alice.github.io/p'),
    ).toBe('https://alice.github.io/p');
  });

  it('refuses a canonical to the home page from a deeper page, and non-http values', () => {
    expect(canonicalUrl(head('<link rel="canonical" href="https://www.example.com/">'), PAGE)).toBe(PAGE);
    expect(canonicalUrl(head('<link rel="canonical" href="https://www.example.com/">'), 'https://example.com/')).toBe(
      'https://www.example.com/',
    );
    expect(canonicalUrl(head('<link rel="canonical" href="javascript:alert(1)">'), PAGE)).toBe(PAGE);
    expect(canonicalUrl(head('<link rel="canonical" href="http://[bad">'), PAGE)).toBe(PAGE);
  });

  it('returns a url that is not absolute http(s) unchanged', () => {
    expect(canonicalUrl(head(''), 'not a url')).toBe('not a url');
  });
});

describe('normaliseUrl', () => {
  it('strips tracking parameters and keeps the others in order and encoding', () => {
    const url =
      'https://example.com/search?utm_source=news&q=rare%20earths&utm_medium=email&fbclid=abc&page=2&gclid=1&' +
      'dclid=2&msclkid=3&mc_cid=4&mc_eid=5&_hsenc=6&_hsmi=7&mkt_tok=8&igshid=9&ref_src=twsrc&cmpid=10&id=a+b';
    expect(normaliseUrl(url)).toBe('https://example.com/search?q=rare%20earths&page=2&id=a+b');
  });

  it('matches tracking names case-insensitively and by family prefix', () => {
    expect(stripTrackingParams('https://example.com/?UTM_Campaign=x&pk_kwd=y&mtm_source=z&keep=1')).toBe(
      'https://example.com/?keep=1',
    );
    expect(isTrackingParam('utm_anything')).toBe(true);
    expect(isTrackingParam('ref')).toBe(false); // meaningful on some sites (a git ref, a referrer code)
    expect(isTrackingParam('id')).toBe(false);
  });

  it('drops the fragment and an empty query, lower-cases the host, removes default ports', () => {
    expect(normaliseUrl('HTTPS://WWW.Example.COM:443/Path/Page?utm_source=x#section')).toBe(
      'https://www.example.com/Path/Page',
    );
    expect(normaliseUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(normaliseUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
  });

  it('returns undefined for non-http(s) or unparseable values', () => {
    expect(normaliseUrl('mailto:a@example.com')).toBeUndefined();
    expect(normaliseUrl('/relative')).toBeUndefined();
    expect(normaliseUrl('/relative', 'https://example.com/x/')).toBe('https://example.com/relative');
  });
});

describe('registrableDomain', () => {
  it.each([
    ['www.energy.gov', 'energy.gov'],
    ['energy.gov', 'energy.gov'],
    ['news.bbc.co.uk', 'bbc.co.uk'],
    ['www.abc.net.au', 'abc.net.au'],
    ['alice.github.io', 'alice.github.io'],
    ['x.alice.github.io', 'alice.github.io'],
    ['WWW.Reuters.COM.', 'reuters.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', 'localhost'],
  ])('%s -> %s', (host, site) => {
    expect(registrableDomain(host)).toBe(site);
  });
});
