import { pollUntil } from '@radar/testing';
import Parser from 'rss-parser';
import { LoopbackSystem, rssFeed as loopbackFeed, startLoopbackSystem } from './support/loopback-system';

/**
 * Alert and search feeds through the whole pipeline: a policy item served over loopback HTTP
 * is crawled, classified and alerted, then read back as Atom, RSS, JSON Feed and iCalendar.
 */

/** Next year's March 3rd, so the deadline is always upcoming. */
const YEAR = new Date().getUTCFullYear() + 1;
const DEADLINE = `${YEAR}-03-03`;

const RULE = {
  guid: 'nrc-2026-0101',
  title: 'NRC proposes rule on licensing of advanced nuclear reactors',
  description:
    'The Nuclear Regulatory Commission published a proposed rule in the Federal Register to modernize licensing of advanced nuclear reactors and small modular reactors. ' +
    `Comments must be received by March 3, ${YEAR}.`,
};

type Category = { $: { term?: string; label?: string; scheme?: string } };

describe('feeds, end to end', () => {
  let api: string;
  let publicUrl: string;
  let alert: { id: string; title: string; url: string };
  const parser = new Parser<
    Record<string, unknown>,
    { categoryEls?: Category[]; id?: string; 'content:encoded'?: string }
  >({
    customFields: { item: [['category', 'categoryEls', { keepArray: true }]] },
  });

  const get = async (path: string) => {
    const res = await fetch(`${api}${path}`, { headers: system.auth('policy') });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      cache: res.headers.get('cache-control'),
      text: await res.text(),
    };
  };

  let system: LoopbackSystem;

  beforeAll(async () => {
    system = await startLoopbackSystem({ name: 'e2e-feeds', feedBody: loopbackFeed([RULE]) });
    ({ api } = system);
    publicUrl = system.env.config.publicUrl;
    const alerts = await pollUntil(
      async () => JSON.parse((await get('/api/alerts')).text) as { alerts: (typeof alert)[] },
      (body) => body.alerts.length === 1,
      { what: 'the alert', timeoutMs: 90_000, intervalMs: 250 },
    );
    alert = alerts.alerts[0];
  }, 120_000);

  afterAll(async () => {
    await system?.close();
  });

  it('serves the alert as Atom with title, link, stable id, categories and evidence', async () => {
    const res = await get('/api/alerts.atom');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/atom+xml; charset=utf-8');
    expect(res.cache).toBe('public, max-age=60');
    const atom = await parser.parseString(res.text);
    expect(atom.link).toBe(`${publicUrl}/`);
    expect(res.text).toContain(`<link rel="self" href="${publicUrl}/api/alerts.atom"/>`);
    expect(atom.items).toHaveLength(1);
    const [item] = atom.items;
    expect(item.title).toBe(RULE.title);
    expect(item.link).toBe(alert.url);
    expect(item.id).toBe(`urn:policy-radar:alert:${alert.id}`);
    const cats = (item.categoryEls ?? []).map((c) => c.$);
    expect(cats).toContainEqual({
      term: 'nuclear-energy',
      label: 'Nuclear Energy',
      scheme: 'urn:policy-radar:sub-sector',
    });
    expect(cats.some((c) => c.scheme === 'urn:policy-radar:priority')).toBe(true);
    expect(item.content).toContain(`Comment deadline: ${DEADLINE}`);
    expect(item.content).toMatch(/evidence: “[^”]*nuclear/i);
  });

  it('serves the alert as RSS 2.0 with the same entry', async () => {
    const res = await get('/api/alerts.rss?sector=nuclear-energy');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/rss+xml; charset=utf-8');
    const rssFeed = await parser.parseString(res.text);
    expect(rssFeed.feedUrl).toBe(`${publicUrl}/api/alerts.rss?sector=nuclear-energy`);
    expect(rssFeed.items.map((i) => [i.title, i.link, i.guid])).toEqual([
      [RULE.title, alert.url, `urn:policy-radar:alert:${alert.id}`],
    ]);
  });

  it('serves JSON Feed 1.1 with tags, applies the alert filters, and rejects a bad filter', async () => {
    const res = await get('/api/alerts.json?sector=nuclear-energy&priority=' + encodeURIComponent('high'));
    expect(res.type).toBe('application/feed+json; charset=utf-8');
    const all = JSON.parse((await get('/api/alerts.json')).text) as Record<string, any>;
    expect(all.version).toBe('https://jsonfeed.org/version/1.1');
    expect(all.feed_url).toBe(`${publicUrl}/api/alerts.json`);
    expect(all.items).toHaveLength(1);
    expect(all.items[0]).toMatchObject({ id: `urn:policy-radar:alert:${alert.id}`, url: alert.url, title: RULE.title });
    expect(all.items[0].tags).toContain('Nuclear Energy');
    expect(all.items[0]._radar.policyEvents).toContainEqual({ kind: 'comment_deadline', date: DEADLINE });

    const other = JSON.parse((await get('/api/alerts.json?sector=no-such-sector')).text) as Record<string, any>;
    expect(other.items).toEqual([]);
    expect((await get('/api/alerts.atom?priority=urgent')).status).toBe(400);
  });

  it('serves upcoming deadlines as an iCalendar feed', async () => {
    const res = await get('/api/alerts.ics');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/calendar; charset=utf-8');
    const ics = res.text;
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n[ \t]/g, '');
    expect(unfolded).toContain('BEGIN:VEVENT');
    expect(unfolded).toContain(`DTSTART;VALUE=DATE:${DEADLINE.replace(/-/g, '')}`);
    expect(unfolded).toContain(`UID:${alert.id}-comment_deadline-${DEADLINE}@policy-radar`);
    expect(unfolded).toContain(`SUMMARY:Comment deadline: ${RULE.title}`);
    expect(unfolded).toContain(`URL:${alert.url}`);
    expect(unfolded).toMatch(/DESCRIPTION:.*Sub-sectors: .*Nuclear Energy/);

    const none = await get('/api/alerts.ics?sector=no-such-sector');
    expect(none.text).not.toContain('BEGIN:VEVENT');
    expect((await get('/api/alerts.ics?past=-1')).status).toBe(400);
  });

  it('serves a saved search as a feed, and a bad query is a 400 with its position', async () => {
    const q = encodeURIComponent('"advanced nuclear reactors" sector:nuclear-energy');
    const json = JSON.parse((await get(`/api/search.json?q=${q}`)).text) as Record<string, any>;
    expect(json.items).toHaveLength(1);
    expect(json.items[0]).toMatchObject({ title: RULE.title, url: alert.url });
    expect(json.items[0].tags).toContain('Nuclear Energy');
    expect(json.items[0].summary).not.toContain('<mark>');

    const atom = await get(`/api/search.atom?q=${q}`);
    expect(atom.type).toBe('application/atom+xml; charset=utf-8');
    expect((await parser.parseString(atom.text)).items.map((i) => i.title)).toEqual([RULE.title]);
    const rssFeed = await parser.parseString((await get(`/api/search.rss?q=${q}`)).text);
    expect(rssFeed.items.map((i) => i.link)).toEqual([alert.url]);

    const empty = JSON.parse((await get(`/api/search.json?q=${encodeURIComponent('bakery sourdough')}`)).text);
    expect(empty.items).toEqual([]);

    const bad = await get('/api/search.atom?q=' + encodeURIComponent('reactor AND (fuel'));
    expect(bad.status).toBe(400);
    expect(typeof (JSON.parse(bad.text) as { position?: unknown }).position).toBe('number');
  });
});
