import type { RadarDocument } from '@radar/core';
import { SearchIndex } from '@radar/search';
import type { RunningRadar } from '@radar/runtime';
import { pollUntil } from '@radar/testing';
import { ApiModule } from '../apps/api/src/api.module';
import { EXPORT_PAGE_SIZE } from '../apps/api/src/insights/document-export';
import { ClassifierModule } from '../apps/classifier/src/classifier.module';
import { CrawlerModule } from '../apps/crawler/src/crawler.module';
import { makeDoc } from '../libs/search/src/conformance/corpus';
import { FeedItem, LoopbackSystem, rssFeed, startLoopbackSystem } from './support/loopback-system';

/**
 * Issue 7 through real parts: a loopback feed crawled and classified into the SQLite index,
 * then the taxonomy, trends per week, and exports of a search larger than one exporter page.
 */

// Published just now, so the items fall in the current week of the trends window.
const PUB_DATE = new Date(Date.now() - 60_000).toUTCString();

const ITEMS: FeedItem[] = [
  {
    guid: 'nrc-2026-0042',
    title: 'NRC issues final rule to streamline licensing of advanced nuclear reactors',
    description:
      'The Nuclear Regulatory Commission published a final rule in the Federal Register that modernizes the licensing framework for advanced nuclear reactors and small modular reactors.',
  },
  {
    guid: 'bis-2026-0101',
    title: 'Commerce tightens export controls on advanced semiconductor manufacturing equipment',
    description:
      'The Bureau of Industry and Security published an interim final rule on license requirements for semiconductor manufacturing equipment and chipmaking tools exported to foreign fabs.',
  },
  {
    guid: 'bakery-1',
    title: 'Town bakery celebrates fifty years of sourdough',
    description: 'A family bakery on Main Street marked its anniversary with free bread and a street party.',
  },
];

/** Older documents indexed directly: outside the trends window, more than one exporter page. */
const BULK = 2 * EXPORT_PAGE_SIZE + 7;
const TRICKY_TITLE = '=HYPERLINK("https://evil.example"), a "quoted" title';

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(row)}`);
  return rows;
}

/** The Monday (UTC) of an instant's week. */
function weekOf(iso: string): string {
  const d = new Date(iso.slice(0, 10) + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

describe('insights: taxonomy, trends and export', () => {
  let radar: RunningRadar;
  let api: string;
  let crawled: RadarDocument[];

  const getJson = async (path: string) => {
    const res = await fetch(`${api}${path}`, { headers: system.auth('analyst') });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  let system: LoopbackSystem;

  beforeAll(async () => {
    system = await startLoopbackSystem({
      name: 'insights-e2e',
      feedBody: rssFeed(ITEMS, { pubDate: PUB_DATE }),
      roles: [CrawlerModule, ClassifierModule, ApiModule],
    });
    ({ radar, api } = system);
    const all = await pollUntil(
      () => getJson('/api/search?q=&limit=100&facets='),
      (r) => r.body.total === ITEMS.length,
      { what: 'the feed items to be indexed', timeoutMs: 60_000 },
    );
    crawled = all.body.hits.map((h: { document: RadarDocument }) => h.document);
  });

  afterAll(async () => {
    await system?.close();
  });

  it('serves the taxonomy: 27 sub-sectors in 4 focus areas, and 9 goals, without vocabularies', async () => {
    const { status, body } = await getJson('/api/taxonomy');
    expect(status).toBe(200);
    expect(body.focusAreas).toHaveLength(4);
    expect(body.subSectors).toHaveLength(27);
    const areas = new Set(body.focusAreas.map((a: { id: string }) => a.id));
    for (const s of body.subSectors) {
      expect(Object.keys(s).sort()).toEqual(['definition', 'focusArea', 'id', 'name']);
      expect(areas.has(s.focusArea)).toBe(true);
    }
    expect(new Set(body.subSectors.map((s: { focusArea: string }) => s.focusArea)).size).toBe(4);
    expect(body.advocacyGoals.length).toBeGreaterThan(0);
    for (const g of body.advocacyGoals) expect(Object.keys(g).sort()).toEqual(['id', 'name']);
    expect(JSON.stringify(body)).not.toContain('"terms"');
  });

  it('counts documents per sub-sector per week, every series aligned to the same buckets', async () => {
    const { status, body } = await getJson('/api/trends?by=sector&weeks=4');
    expect(status).toBe(200);
    expect(body.interval).toBe('week');
    expect(body.buckets).toHaveLength(4);
    expect(body.series).toHaveLength(27);
    for (const s of body.series) expect(s.counts).toHaveLength(4);

    // Expected: each crawled document counts once in each of its sub-sectors, in its week.
    const expected = new Map<string, number[]>();
    for (const doc of crawled) {
      const at = body.buckets.indexOf(weekOf(doc.publishedAt));
      expect(at).toBeGreaterThanOrEqual(0);
      for (const { id } of doc.subSectors) {
        const counts = expected.get(id) ?? [0, 0, 0, 0];
        counts[at] += 1;
        expected.set(id, counts);
      }
    }
    expect(expected.get('nuclear-energy')).toBeDefined();
    expect(expected.get('semiconductors')).toBeDefined();
    for (const s of body.series)
      expect({ key: s.key, counts: s.counts }).toEqual({ key: s.key, counts: expected.get(s.key) ?? [0, 0, 0, 0] });

    const nuclear = await getJson('/api/trends?by=sector&weeks=4&q=' + encodeURIComponent('"nuclear reactors"'));
    const counts = Object.fromEntries(
      nuclear.body.series.map((s: { key: string; counts: number[] }) => [s.key, s.counts]),
    );
    expect(counts['nuclear-energy'].reduce((a: number, b: number) => a + b)).toBe(1);
    expect(counts['semiconductors']).toEqual([0, 0, 0, 0]);

    const areas = await getJson('/api/trends?by=area&interval=month&weeks=12&tz=America/New_York');
    expect(areas.status).toBe(200);
    expect(areas.body.series).toHaveLength(4);
    for (const s of areas.body.series) expect(s.counts).toHaveLength(areas.body.buckets.length);
    expect(areas.body.buckets.every((b: string) => b.endsWith('-01'))).toBe(true);

    expect((await getJson('/api/trends?tz=Mars/Olympus')).status).toBe(400);
    expect((await getJson('/api/trends?by=agency')).status).toBe(400);
    const bad = await getJson('/api/trends?q=' + encodeURIComponent('reactor AND (fuel'));
    expect(bad.status).toBe(400);
    expect(typeof bad.body.position).toBe('number');
  });

  describe('export', () => {
    let all: string[];

    beforeAll(async () => {
      const docs = Array.from({ length: BULK }, (_, i) =>
        makeDoc({
          id: `bulk-${String(i).padStart(4, '0')}`,
          title: i === 0 ? TRICKY_TITLE : `Archived notice ${i}`,
          summary: 'An archived notice.',
          body: 'Archived for the export test.',
          publishedAt: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
          subSectors: [{ id: 'semiconductors', score: 1, evidence: [] }],
          focusAreas: ['frontier-strategic-technologies'],
          agencies: ['Department of Commerce', 'Bureau of Industry and Security'],
        }),
      );
      const outcomes = await radar.app.get(SearchIndex).upsertDocuments(docs);
      expect(outcomes.every((o) => o.outcome === 'created')).toBe(true);
      all = [...crawled.map((d) => d.id), ...docs.map((d) => d.id)];
      expect(all.length).toBeGreaterThan(2 * EXPORT_PAGE_SIZE);
    });

    it('exports every document as CSV, one quoted row each, formulas defused', async () => {
      const res = await fetch(`${api}/api/export?format=csv`, { headers: system.auth('analyst') });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="policy-radar-export-\w+\.csv"$/);
      const text = await res.text();
      const rows = parseCsv(text);
      expect(rows[0]).toEqual([
        'id',
        'publishedAt',
        'title',
        'url',
        'sourceId',
        'docType',
        'subSectors',
        'focusAreas',
        'priority',
        'policyAction',
        'agencies',
      ]);
      const body = rows.slice(1);
      expect(body).toHaveLength(all.length);
      expect(body.every((r) => r.length === 11)).toBe(true);
      expect(body.map((r) => r[0]).sort()).toEqual([...all].sort());
      const dates = body.map((r) => r[1]);
      expect(dates).toEqual([...dates].sort().reverse());

      expect(text).toContain(`,"'=HYPERLINK(""https://evil.example""), a ""quoted"" title",`);
      const tricky = body.find((r) => r[0] === 'bulk-0000')!;
      expect(tricky[2]).toBe(`'${TRICKY_TITLE}`);
      expect(tricky.slice(6)).toEqual([
        'semiconductors',
        'frontier-strategic-technologies',
        'none',
        'false',
        'Department of Commerce;Bureau of Industry and Security',
      ]);
      const nuclear = body.find((r) => r[2] === ITEMS[0].title)!;
      expect(nuclear[6].split(';')).toContain('nuclear-energy');
      expect(nuclear[4]).toBe('loopback-agency');
    });

    it('exports every document as JSON Lines, across several pages', async () => {
      const res = await fetch(`${api}/api/export?format=jsonl&sort=date`, { headers: system.auth('analyst') });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.headers.get('content-disposition')).toMatch(/\.jsonl"$/);
      const text = await res.text();
      expect(text.endsWith('\n')).toBe(true);
      const docs = text
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as RadarDocument);
      expect(docs.map((d) => d.id).sort()).toEqual([...all].sort());
      expect(docs.find((d) => d.id === 'bulk-0000')?.title).toBe(TRICKY_TITLE);
    });

    it('exports only what the query matches', async () => {
      const res = await fetch(`${api}/api/export?format=jsonl&q=${encodeURIComponent('sector:semiconductors')}`, {
        headers: system.auth('analyst'),
      });
      const ids = (await res.text())
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as RadarDocument).id);
      const search = await getJson(`/api/search?q=${encodeURIComponent('sector:semiconductors')}&limit=1&facets=`);
      expect(ids).toHaveLength(search.body.total);
      expect(ids.length).toBeGreaterThan(BULK);
    });

    it('answers a malformed query or parameter with a 400 and no attachment', async () => {
      const res = await fetch(`${api}/api/export?q=${encodeURIComponent('reactor AND (fuel')}`, {
        headers: system.auth('analyst'),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-disposition')).toBeNull();
      expect(typeof ((await res.json()) as { position: unknown }).position).toBe('number');
      const badFormat = await fetch(`${api}/api/export?format=xlsx`, { headers: system.auth('analyst') });
      expect(badFormat.status).toBe(400);
      expect(badFormat.headers.get('content-disposition')).toBeNull();
    });
  });

  it('documents the three endpoints in OpenAPI', async () => {
    const { body } = await getJson('/api/docs-json');
    const names = (op: any) => (op.parameters ?? []).map((p: any) => p.name);
    expect(body.paths['/api/taxonomy'].get.responses['200'].content['application/json'].schema.required).toContain(
      'subSectors',
    );
    expect(names(body.paths['/api/trends'].get)).toEqual(
      expect.arrayContaining(['by', 'interval', 'q', 'weeks', 'tz']),
    );
    const exp = body.paths['/api/export'].get;
    expect(names(exp)).toEqual(expect.arrayContaining(['q', 'format', 'sort']));
    expect(Object.keys(exp.responses['200'].content)).toEqual(['text/csv', 'application/x-ndjson']);
    expect(exp.responses).toHaveProperty('400');
  });
});
