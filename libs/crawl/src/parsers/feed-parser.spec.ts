import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import { decodeFeed, FeedParseError, htmlToText, parseFeed } from './feed-parser';

const NOW = new Date('2026-11-24T12:00:00Z');

describe('decodeFeed', () => {
  const cafe = 'Caf\u00e9 \u2013 r\u00e8gle';
  it('honours a BOM, the HTTP charset and the XML declaration', () => {
    expect(decodeFeed(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cafe)]))).toBe(cafe);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(cafe, 'utf16le')]);
    expect(decodeFeed(utf16)).toBe(cafe);
    expect(decodeFeed(Buffer.from('Caf\u00e9', 'latin1'), 'text/xml; charset=ISO-8859-1')).toBe('Caf\u00e9');
    const declared = Buffer.from('<?xml version="1.0" encoding="windows-1252"?><t>\u0096</t>', 'latin1');
    expect(decodeFeed(declared)).toContain('\u2013');
  });

  it('falls back to Windows-1252 for undeclared bytes that are not UTF-8', () => {
    expect(decodeFeed(Buffer.from('<t>Not\u00edcias</t>', 'latin1'))).toBe('<t>Not\u00edcias</t>');
  });
});

describe('htmlToText', () => {
  it('keeps text, drops markup and scripts, collapses whitespace', () => {
    expect(htmlToText('<p>Final <b>rule</b></p><script>alert(1)</script><p>on&nbsp;reactors &amp; fuel</p>')).toBe(
      'Final rule on reactors & fuel',
    );
  });
});

describe('parseFeed', () => {
  it('maps RSS items to raw items with resolved links and plausible dates only', async () => {
    const xml = `<rss version="2.0"><channel><title>t</title>
      <item><title>Final rule</title><link>/doc/1</link><guid>g1</guid><description>&lt;p&gt;Summary&lt;/p&gt;</description>
        <pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate></item>
      <item><title>From the future</title><link>https://x.gov/2</link><pubDate>Mon, 23 Nov 2099 09:00:00 GMT</pubDate></item>
      <item><description>No title, no link</description></item>
      <item></item>
    </channel></rss>`;
    const items = await parseFeed(xml, 'src', 'https://agency.gov/feed.xml', NOW);
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({
      sourceId: 'src',
      guid: 'g1',
      url: 'https://agency.gov/doc/1',
      title: 'Final rule',
      summary: 'Summary',
      body: '',
      publishedAt: '2026-11-23T09:00:00.000Z',
      fetchedAt: NOW.toISOString(),
    });
    expect(items[1].publishedAt).toBeUndefined();
    expect(items[1].guid).toBe('https://x.gov/2');
    expect(items[2].title).toBe('No title, no link');
    expect(items[2].guid).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects what is not a feed with a FeedParseError', async () => {
    await expect(parseFeed('<html><body>Hello</body></html>', 's', 'https://x.gov', NOW)).rejects.toThrow(
      FeedParseError,
    );
    await expect(parseFeed('not xml at all <<<', 's', 'https://x.gov', NOW)).rejects.toThrow(FeedParseError);
  });
});

describeWithSharedData('parseFeed on rss-parser’s real-world corpus', () => {
  const dir = sharedDataPath('peer-feeds/rss-parser/test');
  // Goldens that depend on non-default options or on parseURL are covered separately below.
  const special = new Set([
    'uolNoticias',
    'xml2js-options',
    'customfields',
    'atom-customfields',
    'guardian',
    'encoding',
  ]);
  const cases = readdirSync(`${dir}/output`)
    .map((f) => basename(f, '.json'))
    .filter((name) => !special.has(name));

  it.each(cases)('%s: same items, titles and links as the library’s golden output', async (name) => {
    const input = readdirSync(`${dir}/input`).find((f) => f.startsWith(`${name}.`))!;
    const golden = JSON.parse(readFileSync(`${dir}/output/${name}.json`, 'utf8')) as {
      feed: { items: { title?: string; link?: string; content?: string; contentSnippet?: string }[] };
    };
    const items = await parseFeed(
      decodeFeed(readFileSync(`${dir}/input/${input}`)),
      'peer',
      'https://example.org/',
      NOW,
    );
    const expected = golden.feed.items.filter((i) => i.title || i.content || i.contentSnippet);
    expect(items).toHaveLength(expected.length);
    items.forEach((item, i) => {
      if (expected[i].title) expect(item.title).toBe(htmlToText(expected[i].title!));
      if (expected[i].link) expect(item.url).toBe(new URL(expected[i].link!.trim(), 'https://example.org/').toString());
    });
  });

  it('reads latin-1 feeds: declared by HTTP header, and undeclared with no version attribute', async () => {
    const encoding = await parseFeed(
      decodeFeed(readFileSync(`${dir}/input/encoding.rss`), 'text/xml; charset=latin1'),
      'peer',
      'https://example.org/',
      NOW,
    );
    expect(encoding[0].title).toBe('M\u00e3e de utente \u00e9 a nova presidente da Rar\u00edssimas');
    const uol = await parseFeed(
      decodeFeed(readFileSync(`${dir}/input/uolNoticias.rss`)),
      'peer',
      'https://example.org/',
      NOW,
    );
    expect(uol.length).toBeGreaterThan(0);
    expect(uol.map((i) => i.title).join(' ')).not.toContain('\ufffd');
  });

  it('refuses the corpus’s unrecognised document', async () => {
    const xml = readFileSync(`${dir}/input/unrecognized.rss`, 'utf8');
    await expect(parseFeed(xml, 'peer', 'https://example.org/', NOW)).rejects.toThrow(FeedParseError);
  });
});
