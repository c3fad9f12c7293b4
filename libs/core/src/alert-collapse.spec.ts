import { collapseKeys, frNumberFromUrl, normaliseTitle, normaliseUrl, type CollapseInput } from './alert-collapse';

const doc = (input: Partial<CollapseInput>): CollapseInput => ({
  id: 'd1',
  url: 'https://agency.example.gov/news/1',
  title: 'Title',
  docType: 'rule',
  publishedAt: '2026-11-23T09:00:00.000Z',
  ...input,
});

describe('normaliseUrl', () => {
  it('ignores scheme, www, default port, fragment, trailing slash, tracking parameters and parameter order', () => {
    const same = [
      'https://www.federalregister.gov/documents/2026/01/12/2026-00123/rule/?b=2&a=1&utm_source=x#top',
      'http://federalregister.gov:80/documents/2026/01/12/2026-00123/rule?a=1&b=2&fbclid=abc',
      'HTTPS://FederalRegister.gov/documents/2026/01/12/2026-00123/rule?a=1&b=2',
    ].map(normaliseUrl);
    expect(new Set(same).size).toBe(1);
    expect(same[0]).toBe('federalregister.gov/documents/2026/01/12/2026-00123/rule?a=1&b=2');
  });

  it('keeps what tells pages apart', () => {
    expect(normaliseUrl('https://a.gov/news?id=1')).not.toBe(normaliseUrl('https://a.gov/news?id=2'));
    expect(normaliseUrl('https://a.gov:8443/x')).toBe('a.gov:8443/x');
    expect(normaliseUrl('mailto:someone@a.gov')).toBeUndefined();
    expect(normaliseUrl('not a url')).toBeUndefined();
  });
});

describe('frNumberFromUrl', () => {
  it.each([
    ['https://www.federalregister.gov/documents/2026/01/12/2026-00123/some-rule', '2026-00123'],
    ['https://www.federalregister.gov/d/2026-00123', '2026-00123'],
    ['https://www.federalregister.gov/api/v1/documents/2026-00123.json', '2026-00123'],
    ['https://www.govinfo.gov/content/pkg/FR-2026-01-12/pdf/2026-00123.pdf', '2026-00123'],
    ['https://www.govinfo.gov/app/details/FR-2026-01-12', undefined],
    ['https://news.example.com/2026-00123', undefined],
  ])('%s -> %s', (url, expected) => {
    expect(frNumberFromUrl(url)).toBe(expected);
  });
});

describe('normaliseTitle', () => {
  it('folds accents and case, drops punctuation and a trailing site name', () => {
    expect(normaliseTitle('Commerce Tightens Export Controls on Advanced Chips — Reuters')).toBe(
      'commerce tightens export controls on advanced chips',
    );
    expect(normaliseTitle('Commerce tightens export controls on advanced chips | Défense News')).toBe(
      'commerce tightens export controls on advanced chips',
    );
    expect(normaliseTitle('Pentagon awards $1.2B contract - what it means for shipbuilders and suppliers')).toBe(
      'pentagon awards 1 2b contract what it means for shipbuilders and suppliers',
    );
  });
});

describe('collapseKeys', () => {
  it('starts with the document key, then the canonical URL', () => {
    expect(collapseKeys(doc({}))).toEqual(['doc:d1', 'url:agency.example.gov/news/1']);
  });

  it('adds the FR document number of an FR URL, or the one number an FR-type document states', () => {
    expect(collapseKeys(doc({ url: 'https://www.federalregister.gov/d/2026-00123' }))).toContain('fr:2026-00123');
    expect(collapseKeys(doc({ identifiers: { frDocumentNumbers: ['2026-00456'] } }))).toContain('fr:2026-00456');
    // Two numbers: ambiguous. News citing a number: a different event (an extension, a story).
    expect(
      collapseKeys(doc({ identifiers: { frDocumentNumbers: ['2026-00456', '2026-00457'] } })).some((k) =>
        k.startsWith('fr:'),
      ),
    ).toBe(false);
    expect(
      collapseKeys(doc({ docType: 'news', identifiers: { frDocumentNumbers: ['2026-00456'] } })).some((k) =>
        k.startsWith('fr:'),
      ),
    ).toBe(false);
  });

  it('never keys on dockets or RINs (a rulemaking, not an event)', () => {
    const keys = collapseKeys(doc({ identifiers: { dockets: ['NRC-2026-0042'], rins: ['3150-AK31'] } }));
    expect(keys).toEqual(['doc:d1', 'url:agency.example.gov/news/1']);
  });

  it('adds a bill id for a bill document', () => {
    expect(collapseKeys(doc({ docType: 'bill', identifiers: { bills: ['hr-1234-119'] } }))).toContain(
      'bill:hr-1234-119',
    );
    expect(collapseKeys(doc({ docType: 'news', identifiers: { bills: ['hr-1234-119'] } }))).toHaveLength(2);
  });

  it('keys news by normalised title over the day before, the day and the day after', () => {
    const title = 'Commerce tightens export controls on advanced chips';
    const a = collapseKeys(
      doc({
        docType: 'news',
        title: `${title} - Reuters`,
        publishedAt: '2026-11-23T23:00:00Z',
        url: 'https://a.example/1',
      }),
    );
    const b = collapseKeys(
      doc({
        id: 'd2',
        docType: 'news',
        title: title.toUpperCase(),
        publishedAt: '2026-11-25T01:00:00Z',
        url: 'https://b.example/2',
      }),
    );
    const c = collapseKeys(
      doc({ id: 'd3', docType: 'news', title, publishedAt: '2026-11-27T01:00:00Z', url: 'https://c.example/3' }),
    );
    expect(a.filter((k) => k.startsWith('title:'))).toEqual([
      `title:${title.toLowerCase()}:2026-11-22`,
      `title:${title.toLowerCase()}:2026-11-23`,
      `title:${title.toLowerCase()}:2026-11-24`,
    ]);
    expect(a.some((k) => b.includes(k) && k.startsWith('title:'))).toBe(true); // two days apart
    expect(a.some((k) => c.includes(k))).toBe(false); // four days apart
    // Short, generic titles never collapse.
    expect(collapseKeys(doc({ docType: 'news', title: 'Weekly update' })).some((k) => k.startsWith('title:'))).toBe(
      false,
    );
    // Rules are not collapsed by title (many FR notices share boilerplate titles).
    expect(collapseKeys(doc({ title })).some((k) => k.startsWith('title:'))).toBe(false);
  });

  it('cuts very long keys with a hash, so distinct long URLs stay distinct', () => {
    const long = (n: number) => collapseKeys(doc({ url: `https://a.gov/${'x'.repeat(400)}?n=${n}` }))[1]!;
    expect(long(1).length).toBeLessThanOrEqual(200);
    expect(long(1)).not.toBe(long(2));
  });
});
