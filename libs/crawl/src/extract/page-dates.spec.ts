import { acceptDate, modifiedDate, pageDates, parseDate, publishedDate, urlPathDate } from './page-dates';

const NOW = new Date('2026-03-20T12:00:00Z');
const URL_PLAIN = 'https://example.com/news/story';

function page(head: string, body = '<p>text</p>'): string {
  return `<html><head>${head}</head><body>${body}</body></html>`;
}

function ld(value: unknown): string {
  return `<script type="application/ld+json">${JSON.stringify(value)}</script>`;
}

describe('parseDate', () => {
  it.each([
    ['2026-03-15T10:20:30Z', '2026-03-15T10:20:30.000Z'],
    ['2026-03-15T10:20:30.123456Z', '2026-03-15T10:20:30.123Z'],
    ['2021-11-01T10:52:50+0100', '2021-11-01T09:52:50.000Z'],
    ['2015-07-10T09:53:00-04:00', '2015-07-10T13:53:00.000Z'],
    ['2018-04-05T06:00', '2018-04-05T06:00:00.000Z'], // no zone: read as UTC, never the machine's zone
    ['2019-04-28 06:01:07', '2019-04-28T06:01:07.000Z'],
    ['2015-04-30 14:32:00 -0400', '2015-04-30T18:32:00.000Z'],
    ['2024-06-25', '2024-06-25T00:00:00.000Z'],
    ['2024/06/25', '2024-06-25T00:00:00.000Z'],
    ['20170113', '2017-01-13T00:00:00.000Z'],
    ['20170113173208', '2017-01-13T17:32:08.000Z'],
    ['1700000000', '2023-11-14T22:13:20.000Z'],
    ['Mon, 16 Mar 2026 08:00:00 GMT', '2026-03-16T08:00:00.000Z'],
    ['Mon, 16 Mar 2026 08:00:00 -0500', '2026-03-16T13:00:00.000Z'],
    ['March 15, 2026', '2026-03-15T00:00:00.000Z'],
    ['Posted on March 15th, 2026', '2026-03-15T00:00:00.000Z'],
    ['Published 15 March 2026', '2026-03-15T00:00:00.000Z'],
    ['Updated: 3/15/2026 10:00 AM', '2026-03-15T10:00:00.000Z'],
  ])('%s', (value, iso) => {
    expect(parseDate(value)?.toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    'Section 12',
    'Fiscal Year 2026',
    'March 2026',
    'Section 12 of the 2026 Act',
    '2026-02-31',
    '2026-13-01',
    '2026-03-15T25:00',
    'x'.repeat(200),
  ])('rejects %j', (value) => {
    expect(parseDate(value)).toBeUndefined();
  });
});

describe('acceptDate (the rejection rules)', () => {
  it('accepts up to a day after now and rejects later dates', () => {
    expect(acceptDate('2026-03-21T11:00:00Z', NOW)).toBe('2026-03-21T11:00:00.000Z');
    expect(acceptDate('2026-03-21T12:00:01Z', NOW)).toBeUndefined();
    expect(acceptDate('2030-01-01', NOW)).toBeUndefined();
  });

  it('rejects dates before 1990 (placeholders such as the epoch)', () => {
    expect(acceptDate('1989-12-31T23:59:59Z', NOW)).toBeUndefined();
    expect(acceptDate('1970-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(acceptDate('1990-01-01T00:00:00Z', NOW)).toBe('1990-01-01T00:00:00.000Z');
  });

  it('falls through to the next source when the first is implausible', () => {
    const html = page(
      ld({ '@type': 'NewsArticle', datePublished: '2099-01-01' }) +
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z">' +
        '<meta name="dc.date" content="2026-03-10">',
    );
    expect(publishedDate(html, URL_PLAIN, NOW)).toBe('2026-03-10T00:00:00.000Z');
  });
});

describe('publishedDate from JSON-LD', () => {
  it('reads datePublished of a NewsArticle', () => {
    const html = page(
      ld({ '@context': 'https://schema.org', '@type': 'NewsArticle', datePublished: '2026-03-15T09:00:00-04:00' }),
    );
    expect(publishedDate(html, URL_PLAIN, NOW)).toBe('2026-03-15T13:00:00.000Z');
  });

  it('finds the article in @graph and in top-level arrays, preferring it over a WebPage', () => {
    const graph = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebPage', datePublished: '2026-01-01' },
        { '@type': ['Article', 'ReportageNewsArticle'], datePublished: '2026-03-14' },
      ],
    };
    expect(publishedDate(page(ld(graph)), URL_PLAIN, NOW)).toBe('2026-03-14T00:00:00.000Z');
    const array = [
      { '@type': 'Organization', name: 'X' },
      { '@type': 'http://schema.org/BlogPosting', datePublished: '2026-03-13' },
    ];
    expect(publishedDate(page(ld(array)), URL_PLAIN, NOW)).toBe('2026-03-13T00:00:00.000Z');
  });

  it('falls back to dateCreated and uploadDate, and reads {"@value"}', () => {
    expect(publishedDate(page(ld({ '@type': 'Report', dateCreated: '2026-03-12' })), URL_PLAIN, NOW)).toBe(
      '2026-03-12T00:00:00.000Z',
    );
    expect(publishedDate(page(ld({ '@type': 'VideoObject', uploadDate: '2026-03-11' })), URL_PLAIN, NOW)).toBe(
      '2026-03-11T00:00:00.000Z',
    );
    expect(
      publishedDate(page(ld({ '@type': 'NewsArticle', datePublished: { '@value': '2026-03-10' } })), URL_PLAIN, NOW),
    ).toBe('2026-03-10T00:00:00.000Z');
  });

  it('skips broken JSON-LD and wins over meta tags', () => {
    const html = page(
      '<script type="application/ld+json">{"@type": "NewsArticle", broken</script>' +
        ld({ '@type': 'NewsArticle', datePublished: '2026-03-09' }) +
        '<meta property="article:published_time" content="2026-03-01">',
    );
    expect(publishedDate(html, URL_PLAIN, NOW)).toBe('2026-03-09T00:00:00.000Z');
  });
});

describe('publishedDate from meta tags and microdata', () => {
  it.each([
    ['<meta property="article:published_time" content="2026-03-15T08:00:00Z">'],
    ['<meta property="og:published_time" content="2026-03-15T08:00:00Z">'],
    ['<meta itemprop="datePublished" content="2026-03-15T08:00:00Z">'],
    ['<meta name="DC.date" content="2026-03-15T08:00:00Z">'],
    ['<meta name="dcterms.issued" content="2026-03-15T08:00:00Z">'],
    ['<meta name="citation_publication_date" content="2026/03/15 08:00:00Z">'],
    ['<meta name="parsely-pub-date" content="2026-03-15T08:00:00.000Z">'],
    ['<meta name="sailthru.date" content="2026-03-15 08:00:00 +0000">'],
    ['<meta name="pubdate" content="2026-03-15T08:00:00Z">'],
  ])('%s', (meta) => {
    expect(publishedDate(page(meta), URL_PLAIN, NOW)).toBe('2026-03-15T08:00:00.000Z');
  });

  it('reads itemprop=datePublished on a body element', () => {
    const html = page(
      '',
      '<article><span itemprop="datePublished" datetime="2026-03-15T08:00:00Z">15 March</span></article>',
    );
    expect(publishedDate(html, URL_PLAIN, NOW)).toBe('2026-03-15T08:00:00.000Z');
  });
});

describe('publishedDate from <time> and the URL', () => {
  it('reads <time datetime> inside the article', () => {
    const html = page(
      '',
      '<aside><time datetime="2026-01-01">old</time></aside><article><h1>T</h1><time datetime="2026-03-15">15 March</time></article>',
    );
    expect(publishedDate(html, URL_PLAIN, NOW)).toBe('2026-03-15T00:00:00.000Z');
  });

  it('takes a lone <time> outside an article but not one of several (a listing)', () => {
    expect(publishedDate(page('', '<div><time datetime="2026-03-15">x</time></div>'), URL_PLAIN, NOW)).toBe(
      '2026-03-15T00:00:00.000Z',
    );
    const listing =
      '<ul><li><time datetime="2026-03-15">a</time></li><li><time datetime="2026-03-14">b</time></li></ul>';
    expect(publishedDate(page('', listing), URL_PLAIN, NOW)).toBeUndefined();
  });

  it.each([
    ['https://example.com/2026/03/15/tariffs-rise/', '2026-03-15T00:00:00.000Z'],
    ['https://example.com/news/2026/3/5/story.html', '2026-03-05T00:00:00.000Z'],
    ['https://example.com/news/2026-03-15-tariffs', '2026-03-15T00:00:00.000Z'],
    ['https://example.com/press/20260315/statement', '2026-03-15T00:00:00.000Z'],
    ['https://example.com/2026/13/45/nope', undefined],
    ['https://example.com/2027/01/01/future', undefined],
    ['https://example.com/1985/01/01/old', undefined],
    ['https://example.com/story/12345678', undefined],
  ])('%s', (url, iso) => {
    expect(urlPathDate(url, NOW)).toBe(iso);
    expect(publishedDate(page(''), url, NOW)).toBe(iso);
  });
});

describe('modifiedDate', () => {
  it('reads JSON-LD dateModified, then article:modified_time and og:updated_time', () => {
    expect(modifiedDate(page(ld({ '@type': 'NewsArticle', dateModified: '2026-03-16' })), URL_PLAIN, NOW)).toBe(
      '2026-03-16T00:00:00.000Z',
    );
    expect(modifiedDate(page('<meta property="article:modified_time" content="2026-03-17">'), URL_PLAIN, NOW)).toBe(
      '2026-03-17T00:00:00.000Z',
    );
    expect(modifiedDate(page('<meta property="og:updated_time" content="1773964800">'), URL_PLAIN, NOW)).toBe(
      '2026-03-20T00:00:00.000Z',
    );
  });

  it('applies the rejection rules and drops a modification before the publication', () => {
    expect(
      modifiedDate(page('<meta property="article:modified_time" content="2031-01-01">'), URL_PLAIN, NOW),
    ).toBeUndefined();
    const html = page(ld({ '@type': 'NewsArticle', datePublished: '2026-03-15', dateModified: '2026-03-01' }));
    expect(pageDates(html, URL_PLAIN, NOW)).toEqual({ publishedAt: '2026-03-15T00:00:00.000Z', modifiedAt: undefined });
  });
});
