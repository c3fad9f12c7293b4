import { type Alert, defaultTaxonomy, type RadarDocument } from '@radar/core';
import Parser from 'rss-parser';
import { alertEntry, documentEntry } from './feed-entries';
import { escapeHtml, type FeedMeta, renderFeed } from './feed.renderer';

type Category = { $: { term?: string; label?: string; scheme?: string; domain?: string } } | string;
const parser = new Parser<
  Record<string, unknown>,
  { categoryEls?: Category[]; id?: string; 'content:encoded'?: string }
>({
  customFields: { item: [['category', 'categoryEls', { keepArray: true }]] },
});

const tax = defaultTaxonomy();

const meta: FeedMeta = {
  id: 'https://radar.example.org/api/alerts.atom?sector=nuclear-energy&priority=high',
  title: 'Policy Radar alerts (sector: nuclear-energy, priority: high)',
  description: 'Alerts',
  siteUrl: 'https://radar.example.org/',
  selfUrls: {
    atom: 'https://radar.example.org/api/alerts.atom?sector=nuclear-energy&priority=high',
    rss: 'https://radar.example.org/api/alerts.rss?sector=nuclear-energy&priority=high',
    json: 'https://radar.example.org/api/alerts.json?sector=nuclear-energy&priority=high',
  },
  fallbackUpdated: new Date('2026-01-01T00:00:00Z'),
};

const alert: Alert = {
  id: 'abc123',
  documentId: 'abc123',
  documentVersion: 1,
  title: 'AT&T <b>and</b> NRC: "munitions" rule ]]> part 2 ]]> end',
  url: 'https://agency.example.gov/news/1?a=1&b=2',
  sourceIds: ['loopback'],
  docType: 'proposed_rule',
  subSectors: ['nuclear-energy', 'munitions-missiles-hypersonics'],
  focusAreas: [],
  advocacyGoals: ['permitting-reform'],
  policyEvents: [{ kind: 'proposed_rule' }, { kind: 'comment_deadline', date: '2027-03-03' }],
  priority: 'high',
  reason: 'proposed rule with a comment deadline <soon>',
  publishedAt: '2026-11-23T09:00:00.000Z',
  createdAt: '2026-11-23T09:00:01.000Z',
  updatedAt: '2026-11-23T10:00:00.000Z',
  state: 'new',
};

const doc = {
  id: 'abc123',
  version: 1,
  title: alert.title,
  url: alert.url,
  summary: 'A summary with <script>alert(1)</script> & more.',
  sourceName: 'Loopback & Co',
  publishedAt: alert.publishedAt,
  indexedAt: alert.updatedAt,
  subSectors: [
    {
      id: 'nuclear-energy',
      score: 5,
      evidence: [
        { phrase: 'advanced nuclear reactors', field: 'body', offset: 3 },
        { phrase: 'advanced nuclear reactors', field: 'title', offset: 9 },
      ],
    },
    {
      id: 'munitions-missiles-hypersonics',
      score: 3,
      evidence: [{ phrase: 'missiles & <shells>', field: 'body', offset: 1 }],
    },
  ],
  advocacyGoals: [{ id: 'permitting-reform', score: 2, evidence: [] }],
  focusAreas: [],
  policyEvents: alert.policyEvents,
  priority: 'high',
  priorityReason: alert.reason,
  docType: 'proposed_rule',
  policyAction: true,
  agencies: [],
} as unknown as RadarDocument;

const entry = alertEntry(tax, alert, doc);

describe('alertEntry', () => {
  it('carries a stable URN id, the names of sub-sectors and goals, priority, events and evidence', () => {
    expect(entry.id).toBe('urn:policy-radar:alert:abc123');
    expect(entry.categories.map((c) => c.label)).toEqual([
      'Nuclear Energy',
      'Munitions, Missiles & Hypersonics',
      tax.advocacyGoals.find((g) => g.id === 'permitting-reform')!.name,
      'Priority: high',
    ]);
    expect(entry.contentHtml).toContain('Comment deadline: 2027-03-03');
    expect(entry.contentHtml).toContain('“advanced nuclear reactors”');
    expect(entry.contentHtml).toContain('“missiles &amp; &lt;shells&gt;”');
    expect(entry.contentHtml).toContain('comment deadline &lt;soon&gt;');
    expect(entry.contentHtml).not.toMatch(/<soon>|<shells>/);
    expect(entry.summary).toContain('Comment deadline: 2027-03-03');
  });

  it('still renders without the stored document (no evidence)', () => {
    const bare = alertEntry(tax, alert, null);
    expect(bare.contentHtml).toContain('<li>Nuclear Energy</li>');
  });
});

describe('documentEntry', () => {
  it('uses the document summary (escaped, no snippet) and its tags', () => {
    const e = documentEntry(tax, doc);
    expect(e.id).toBe('urn:policy-radar:document:abc123');
    expect(e.summary).toContain('A summary with <script>');
    expect(e.contentHtml).toContain('&lt;script&gt;');
    expect(e.contentHtml).not.toContain('<script>');
    expect(e.contentHtml).not.toContain('<mark>');
    expect(e.categories.map((c) => c.term)).toContain('nuclear-energy');
  });
});

describe('renderFeed', () => {
  it('Atom parses back with title, link, id, dates, categories and escaped attributes', async () => {
    const xml = renderFeed('atom', meta, [entry]);
    expect(xml).toContain(
      '<link rel="self" href="https://radar.example.org/api/alerts.atom?sector=nuclear-energy&amp;priority=high"/>',
    );
    expect(xml).toContain('label="Munitions, Missiles &amp; Hypersonics"');
    const feed = await parser.parseString(xml);
    expect(feed.title).toBe(meta.title);
    expect(feed.items).toHaveLength(1);
    const item = feed.items[0];
    expect(item.id).toBe(entry.id);
    expect(item.link).toBe(alert.url);
    // type="html": the title is HTML-escaped text.
    expect(item.title).toBe(escapeHtml(alert.title));
    expect(item.isoDate).toBe('2026-11-23T09:00:00.000Z');
    const cats = (item.categoryEls ?? []).map((c) => (typeof c === 'string' ? { term: c } : c.$));
    expect(cats).toEqual(
      expect.arrayContaining([
        { term: 'nuclear-energy', label: 'Nuclear Energy', scheme: 'urn:policy-radar:sub-sector' },
        {
          term: 'munitions-missiles-hypersonics',
          label: 'Munitions, Missiles & Hypersonics',
          scheme: 'urn:policy-radar:sub-sector',
        },
        { term: 'high', label: 'Priority: high', scheme: 'urn:policy-radar:priority' },
      ]),
    );
    expect(item.content).toContain('advanced nuclear reactors');
  });

  it('RSS parses back with title (CDATA-safe), link, guid, categories and self link', async () => {
    const xml = renderFeed('rss', meta, [entry]);
    const feed = await parser.parseString(xml);
    expect(feed.feedUrl).toBe(meta.selfUrls.rss);
    expect(feed.link).toBe(meta.siteUrl);
    const item = feed.items[0];
    expect(item.title).toBe(alert.title.replace(/]]>/g, ']] >'));
    expect(item.link).toBe(alert.url);
    expect(item.guid).toBe(entry.id);
    const cats = (item.categories as unknown as { _: string; $: { domain: string } }[]).map((c) => [c._, c.$.domain]);
    expect(cats).toEqual(
      expect.arrayContaining([
        ['Nuclear Energy', 'urn:policy-radar:sub-sector'],
        ['Munitions, Missiles & Hypersonics', 'urn:policy-radar:sub-sector'],
      ]),
    );
    expect(item['content:encoded']).toContain('Comment deadline: 2027-03-03');
  });

  it('JSON Feed 1.1 with tags, dates, HTML content and the _radar extension', () => {
    const json = JSON.parse(renderFeed('json', meta, [entry])) as Record<string, any>;
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.feed_url).toBe(meta.selfUrls.json);
    expect(json.home_page_url).toBe(meta.siteUrl);
    const [item] = json.items;
    expect(item).toMatchObject({
      id: entry.id,
      url: alert.url,
      title: alert.title,
      date_published: '2026-11-23T09:00:00.000Z',
      date_modified: '2026-11-23T10:00:00.000Z',
    });
    expect(item.tags).toEqual(expect.arrayContaining(['Nuclear Energy', 'Priority: high']));
    expect(item.content_html).toContain('Policy events');
    expect(item._radar).toMatchObject({ priority: 'high', subSectors: alert.subSectors });
  });

  it('an empty feed is valid in every format', async () => {
    expect((await parser.parseString(renderFeed('atom', meta, []))).items).toEqual([]);
    expect((await parser.parseString(renderFeed('rss', meta, []))).items).toEqual([]);
    expect(JSON.parse(renderFeed('json', meta, [])).items).toEqual([]);
  });
});
