import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Source } from '@radar/sources';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import { SourceParseError, type ParseContext } from '../parser';
import { PARSERS, parseSourceBody } from '.';

const NOW = new Date('2026-11-24T12:00:00Z');

function ctx(kind: Source['kind'], url: string, extra: Partial<Source> = {}): ParseContext {
  const source: Source = {
    id: `test-${kind}`,
    name: kind,
    kind,
    url,
    intervalSeconds: 3600,
    subSectors: [],
    agencies: [],
    requiresApiKey: false,
    enabled: true,
    fetchFullText: false,
    allowPrivateNetwork: false,
    maxPages: 3,
    ...extra,
  };
  return { source, url, now: NOW };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('PARSERS', () => {
  it('has a parser for every kind but page-watch, and parseSourceBody refuses page-watch', async () => {
    expect(Object.keys(PARSERS).sort()).toEqual(
      [
        'atom',
        'bill-status',
        'congress',
        'federal-register',
        'html-list',
        'jsonfeed',
        'rdf',
        'regulations-gov',
        'rss',
      ].sort(),
    );
    await expect(parseSourceBody(Buffer.from('<html/>'), ctx('page-watch', 'https://x.gov/'))).rejects.toThrow(
      SourceParseError,
    );
  });

  it('fails with SourceParseError on bodies that are not their kind', async () => {
    const html = Buffer.from('<html><body>Maintenance</body></html>');
    for (const kind of ['rss', 'jsonfeed', 'federal-register', 'regulations-gov', 'congress', 'bill-status'] as const) {
      await expect(parseSourceBody(html, ctx(kind, 'https://x.gov/'))).rejects.toThrow(SourceParseError);
    }
    await expect(parseSourceBody(json({ hello: 1 }), ctx('congress', 'https://x.gov/'))).rejects.toThrow(
      SourceParseError,
    );
  });
});

describe('federal-register', () => {
  it('maps type, agencies, identifiers and comment/effective dates into the summary', async () => {
    const body = json({
      count: 1,
      next_page_url: 'https://www.federalregister.gov/api/v1/documents.json?page=2',
      results: [
        {
          document_number: '2026-01234',
          title: 'Export Administration Regulations: Additions to the Entity List',
          type: 'Proposed Rule',
          abstract: 'BIS proposes to amend the EAR (15 CFR 744).',
          html_url: 'https://www.federalregister.gov/documents/2026/01/30/2026-01234/entity-list',
          publication_date: '2026-01-30',
          agencies: [{ name: 'Commerce Department' }, { raw_name: 'Industry and Security Bureau' }],
          citation: '91 FR 4321',
          docket_ids: ['Docket No. 260112-0001', 'BIS-2026-0003'],
          regulation_id_number_info: { '0694-AJ12': { title: 'Entity List' } },
          cfr_references: [
            { title: 15, part: 744 },
            { title: 15, part: 746 },
          ],
          comments_close_on: '2026-03-03',
          effective_on: '2026-04-01',
        },
      ],
    });
    const { items, nextPageUrl } = await PARSERS['federal-register'](
      body,
      ctx('federal-register', 'https://www.federalregister.gov/api/v1/documents.json'),
    );
    expect(nextPageUrl).toBe('https://www.federalregister.gov/api/v1/documents.json?page=2');
    expect(items[0]).toEqual({
      sourceId: 'test-federal-register',
      guid: '2026-01234',
      url: 'https://www.federalregister.gov/documents/2026/01/30/2026-01234/entity-list',
      title: 'Export Administration Regulations: Additions to the Entity List',
      summary: 'BIS proposes to amend the EAR (15 CFR 744). Comments close on 2026-03-03. Effective 2026-04-01.',
      body: '',
      publishedAt: '2026-01-30T00:00:00.000Z',
      fetchedAt: NOW.toISOString(),
      docTypeHint: 'proposed_rule',
      agencies: ['Commerce Department', 'Industry and Security Bureau'],
      identifiers: {
        frDocumentNumbers: ['2026-01234'],
        frCitations: ['91 FR 4321'],
        dockets: ['BIS-2026-0003'],
        rins: ['0694-AJ12'],
        cfrParts: ['15 CFR 744', '15 CFR 746'],
      },
    });
  });
});

describe('jsonfeed', () => {
  it('reads JSON Feed 1.1 items', async () => {
    const body = json({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'DOE news',
      home_page_url: 'https://www.energy.gov/',
      items: [
        {
          id: 'a1',
          url: '/articles/a1',
          title: 'DOE announces $1B for grid',
          content_html: '<p>Funding <b>now</b>.</p>',
          summary: 'Grid money',
          date_published: '2026-11-20T10:00:00-05:00',
        },
        { id: 'a2', content_text: 'Untitled note', date_published: '2999-01-01T00:00:00Z' },
        { id: 'a3' },
      ],
    });
    const { feed, items } = await PARSERS.jsonfeed(body, ctx('jsonfeed', 'https://www.energy.gov/feed.json'));
    expect(feed).toEqual({ title: 'DOE news', link: 'https://www.energy.gov/' });
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      guid: 'a1',
      url: 'https://www.energy.gov/articles/a1',
      title: 'DOE announces $1B for grid',
      summary: 'Grid money',
      body: 'Funding now.',
      publishedAt: '2026-11-20T15:00:00.000Z',
    });
    expect(items[1]).toMatchObject({ guid: 'a2', title: 'Untitled note', url: 'https://www.energy.gov/feed.json' });
    expect(items[1].publishedAt).toBeUndefined();
  });
});

describe('html-list', () => {
  const page = `<html><head><title>Press releases</title></head><body><nav><a href="/x">Home</a></nav>
    <ul class="news">
      <li><h3><a href="/news/1">Tariff action on steel</a></h3><time datetime="2026-11-02">Nov 2</time><p class="teaser">USTR acts under Section 301.</p></li>
      <li><h3><a href="https://other.gov/2">Grid security order</a></h3><span class="date">October 3, 2026</span></li>
      <li><h3>No link here</h3></li>
      <li><h3><a href="/news/1">Tariff action on steel</a></h3></li>
    </ul></body></html>`;
  const source = {
    htmlList: { item: 'ul.news > li', title: 'h3', link: 'a', date: 'time, .date', summary: '.teaser' },
  };

  it('reads items with the source selectors, resolving links and dates, dropping duplicates', async () => {
    const { items, feed } = await PARSERS['html-list'](
      Buffer.from(page),
      ctx('html-list', 'https://ustr.gov/press/', source),
    );
    expect(feed?.title).toBe('Press releases');
    expect(items.map((i) => [i.url, i.title, i.publishedAt, i.summary])).toEqual([
      ['https://ustr.gov/news/1', 'Tariff action on steel', '2026-11-02T00:00:00.000Z', 'USTR acts under Section 301.'],
      ['https://other.gov/2', 'Grid security order', '2026-10-03T00:00:00.000Z', ''],
    ]);
  });

  it('fails clearly when the item selector matches nothing (the layout changed)', async () => {
    await expect(
      PARSERS['html-list'](
        Buffer.from('<html><body><p>new design</p></body></html>'),
        ctx('html-list', 'https://ustr.gov/', source),
      ),
    ).rejects.toThrow(/matched nothing/);
  });
});

describeWithSharedData('structured parsers on real government responses', () => {
  const real = (p: string) => readFileSync(sharedDataPath('real-docs', p));

  it('federal-register: the FR API search response (monument-watch)', async () => {
    const { items, nextPageUrl } = await PARSERS['federal-register'](
      real('monument-watch/tests/fixtures/federal_register.json'),
      ctx(
        'federal-register',
        'https://www.federalregister.gov/api/v1/documents.json?conditions%5Bterm%5D=%22Bears+Ears%22',
      ),
    );
    expect(nextPageUrl).toBe(
      'https://www.federalregister.gov/api/v1/documents?conditions%5Bterm%5D=%22Bears+Ears%22&format=json&order=newest&page=2&per_page=5',
    );
    expect(items.map((i) => [i.guid, i.docTypeHint, i.publishedAt?.slice(0, 10)])).toEqual([
      ['2026-07755', 'notice', '2026-04-21'],
      ['2025-22068', 'notice', '2025-12-05'],
      ['2025-19485', 'presidential_document', '2025-10-06'],
      ['2025-00863', 'notice', '2025-01-16'],
      ['2024-30953', 'notice', '2024-12-27'],
    ]);
    expect(items[0].title).toBe(
      'Re-Establishment of the Hunting and Shooting Sports Conservation and Access Council; Request for Nominations',
    );
    expect(items[0].agencies).toEqual(['Interior Department', 'Fish and Wildlife Service']);
    expect(items[0].url).toMatch(/^https:\/\/www\.federalregister\.gov\/documents\/2026\/04\/21\/2026-07755\//);
    expect(items[0].identifiers?.frDocumentNumbers).toEqual(['2026-07755']);
    expect(items[3].agencies).toEqual([
      'Interior Department',
      'Land Management Bureau',
      'Agriculture Department',
      'Forest Service',
    ]);
    // The presidential document has no abstract: its search excerpt is the text.
    expect(items[2].summary).toContain('Bears Ears National Monument Advisory Committee');
    expect(items[2].summary).not.toContain('<span');
  });

  it('regulations-gov: four real v4 pages, JSON:API pagination through meta', async () => {
    const url = 'https://api.regulations.gov/v4/documents?filter[documentType]=Notice&page[size]=250';
    const page3 = await PARSERS['regulations-gov'](
      real('regulations-gov-v4/documents_updated_within_page3.json'),
      ctx('regulations-gov', url),
    );
    const page4 = await PARSERS['regulations-gov'](
      real('regulations-gov-v4/documents_updated_within_page4.json'),
      ctx('regulations-gov', `${url}&page[number]=2`),
    );
    expect(page3.items).toHaveLength(250);
    expect(page4.items).toHaveLength(155);
    expect(new Set([...page3.items, ...page4.items].map((i) => i.guid)).size).toBe(405);
    expect(new URL(page3.nextPageUrl!).searchParams.get('page[number]')).toBe('2');
    expect(page4.nextPageUrl).toBeUndefined();
    expect(page3.items[0]).toMatchObject({
      guid: 'FRA-2003-15196-0014',
      url: 'https://www.regulations.gov/document/FRA-2003-15196-0014',
      title: 'Petition for Extension of Waiver of Compliance',
      publishedAt: '2022-07-25T04:00:00.000Z',
      docTypeHint: 'notice',
      agencies: ['FRA'],
      identifiers: { frDocumentNumbers: ['2022-15803'], dockets: ['FRA-2003-15196'] },
    });
    const nft = page3.items.find((i) => i.identifiers?.frDocumentNumbers?.includes('2022-25211'))!;
    expect(nft.title).toBe('Study on Non-fungible Tokens and Related Intellectual Property Law Issues');
    // 2023-02-04T04:59:59Z is the end of 3 February in Washington.
    expect(nft.summary).toBe('Comments close on 2023-02-03.');
    expect(nft.identifiers?.dockets).toEqual(['PTO-C-2022-0035']);
    const last = page4.items.at(-1)!;
    expect(last).toMatchObject({
      guid: 'APHIS-2021-0078-0001',
      title: 'Importation of Grapes from Chile into the United States',
      agencies: ['APHIS'],
    });
  });

  it('regulations-gov: a single document, a docket, and an API error from the VCR cassettes', async () => {
    const cassette = (name: string) =>
      (
        parseYaml(real(`federalregister-api-core/spec/vcr_cassettes/${name}`).toString('utf8')) as {
          http_interactions: { response: { body: { string: string } } }[];
        }
      ).http_interactions.map((i) => Buffer.from(i.response.body.string));
    const [detail] = cassette('regulations_dot_gov_v4_detailed_document.yml');
    const { items } = await PARSERS['regulations-gov'](
      detail,
      ctx('regulations-gov', 'https://api.regulations.gov/v4/documents/FRTIB_FRDOC_0001-0319'),
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      guid: 'FRTIB_FRDOC_0001-0319',
      title: 'Availability of Records',
      docTypeHint: 'rule',
      summary: 'Comments close on 2020-11-23.',
      identifiers: { frDocumentNumbers: ['2020-22330'], dockets: ['FRTIB_FRDOC_0001'], cfrParts: ['5 CFR 1631'] },
    });
    const [docket] = cassette('regulations_dot_gov_v4_dockets.yml');
    const dockets = await PARSERS['regulations-gov'](
      docket,
      ctx('regulations-gov', 'https://api.regulations.gov/v4/dockets/EPA-HQ-OAR-2003-0129'),
    );
    expect(dockets.items[0]).toMatchObject({
      guid: 'EPA-HQ-OAR-2003-0129',
      url: 'https://www.regulations.gov/docket/EPA-HQ-OAR-2003-0129',
      agencies: ['EPA'],
      identifiers: { dockets: ['EPA-HQ-OAR-2003-0129'] },
    });
    expect(dockets.items[0].title).toMatch(/^Registration of Fuels and Fuels Additives/);
    const errorBody = Buffer.from('{"errors":[{"status":"400","title":"Invalid ID: 0900006484925e7e"}]}');
    await expect(
      PARSERS['regulations-gov'](errorBody, ctx('regulations-gov', 'https://api.regulations.gov/v4/x')),
    ).rejects.toThrow(/Invalid ID/);
  });

  it('regulations-gov: a search response with aggregations (monument-watch)', async () => {
    const { items } = await PARSERS['regulations-gov'](
      real('monument-watch/tests/fixtures/regulations_docs.json'),
      ctx('regulations-gov', 'https://api.regulations.gov/v4/documents?filter[searchTerm]=Bears%20Ears'),
    );
    expect(items).toHaveLength(25);
    expect(items[0]).toMatchObject({ guid: 'FS_FRDOC_0001-4066', agencies: ['FS'], docTypeHint: 'notice' });
    expect(items[0].identifiers?.frDocumentNumbers).toEqual(['2025-00863']);
  });

  it('congress: the v3 bill list (monument-watch)', async () => {
    const { items, nextPageUrl } = await PARSERS.congress(
      real('monument-watch/tests/fixtures/congress_bills.json'),
      ctx('congress', 'https://api.congress.gov/v3/bill/119'),
    );
    expect(nextPageUrl).toBeUndefined();
    expect(items.map((i) => [i.guid, i.url, i.publishedAt?.slice(0, 10)])).toEqual([
      ['hr-5005-119', 'https://www.congress.gov/bill/119th-congress/house-bill/5005', '2026-07-09'],
      ['s-2200-119', 'https://www.congress.gov/bill/119th-congress/senate-bill/2200', '2026-07-07'],
      ['hr-4400-119', 'https://www.congress.gov/bill/119th-congress/house-bill/4400', '2026-07-11'],
    ]);
    expect(items[1]).toMatchObject({
      title: 'Antiquities Act Reform Act of 2026',
      docTypeHint: 'bill',
      summary:
        'S. 2200 (119th Congress). Latest action 2026-07-07: Read twice and referred to the Committee on Energy and Natural Resources.',
      identifiers: { bills: ['s-2200-119'] },
    });
  });

  it('congress: a single bill response and pagination.next', async () => {
    const body = json({
      bill: {
        congress: 118,
        type: 'SJRES',
        number: '3',
        title: 'A joint resolution on export controls',
        introducedDate: '2023-01-26',
        sponsors: [{ fullName: 'Sen. Doe, Jane [D-XX]' }],
        policyArea: { name: 'Foreign Trade and International Finance' },
      },
      pagination: { next: 'https://api.congress.gov/v3/bill?offset=20' },
    });
    const { items, nextPageUrl } = await PARSERS.congress(
      body,
      ctx('congress', 'https://api.congress.gov/v3/bill/118/sjres/3'),
    );
    expect(nextPageUrl).toBe('https://api.congress.gov/v3/bill?offset=20');
    expect(items[0]).toMatchObject({
      guid: 'sjres-3-118',
      url: 'https://www.congress.gov/bill/118th-congress/senate-joint-resolution/3',
      summary:
        'S.J.Res. 3 (118th Congress). Introduced 2023-01-26 by Sen. Doe, Jane [D-XX]. Policy area: Foreign Trade and International Finance.',
      publishedAt: '2023-01-26T00:00:00.000Z',
    });
  });

  it.each([
    [
      'formatChange/future/BILLSTATUS-117s1260.xml',
      's-1260-117',
      'United States Innovation and Competition Act of 2021',
      '2021-06-08',
      'Sen. Schumer, Charles E. [D-NY]',
    ],
    [
      'formatChange/future/BILLSTATUS-117hr4350.xml',
      'hr-4350-117',
      'National Defense Authorization Act for Fiscal Year 2022',
      undefined,
      undefined,
    ],
    ['legacy/BILLSTATUS-114hr22.xml', 'hr-22-114', 'FAST Act', undefined, undefined],
    [
      'legacy/BILLSTATUS-114s469.xml',
      's-469-114',
      'Women Veterans and Families Health Services Act of 2015',
      '2015-06-24',
      undefined,
    ],
    ['legacy/BILLSTATUS-114hconres70.xml', 'hconres-70-114', undefined, undefined, undefined],
  ])('bill-status: %s', async (file, guid, title, latestDate, sponsor) => {
    const { items } = await PARSERS['bill-status'](
      real(`usgpo-bill-status/samples/${file}`),
      ctx('bill-status', 'https://www.govinfo.gov/bulkdata/BILLSTATUS/x.xml'),
    );
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item.guid).toBe(guid);
    expect(item.docTypeHint).toBe('bill');
    expect(item.identifiers?.bills?.[0]).toBe(guid);
    if (title) expect(item.title).toBe(title);
    if (latestDate) expect(item.publishedAt?.slice(0, 10)).toBe(latestDate);
    if (sponsor) expect(item.summary).toContain(sponsor);
    expect(item.body).toMatch(/Actions: \d{4}-\d{2}-\d{2}: /);
  });

  it('bill-status: every sample parses; summaries, subjects and policy areas reach the text', async () => {
    const s1260 = (
      await PARSERS['bill-status'](
        real('usgpo-bill-status/samples/formatChange/future/BILLSTATUS-117s1260.xml'),
        ctx('bill-status', 'https://x.gov/'),
      )
    ).items[0];
    expect(s1260.summary).toContain(
      'S. 1260 (117th Congress). Introduced 2021-04-20 by Sen. Schumer, Charles E. [D-NY].',
    );
    expect(s1260.summary).toContain('Latest action 2021-06-08: Passed Senate');
    expect(s1260.body).toContain('support U.S. semiconductor manufacturing');
    expect(s1260.body).toContain('Subjects: Abortion; Advanced technology and technological innovations;');
    expect(s1260.body).not.toContain('<p>');
    const s469 = (
      await PARSERS['bill-status'](
        real('usgpo-bill-status/samples/legacy/BILLSTATUS-114s469.xml'),
        ctx('bill-status', 'https://x.gov/'),
      )
    ).items[0];
    expect(s469.body).toContain('Directs the Department of Defense (DOD) to furnish fertility treatment');
    expect(s469.summary).toContain("Latest action 2015-06-24: Committee on Veterans' Affairs. Hearings held.");
  });
});
