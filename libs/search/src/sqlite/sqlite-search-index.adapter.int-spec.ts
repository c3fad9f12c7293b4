import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parseQuery, type QueryNode, type RadarDocument } from '@radar/core';
import { describeSearchIndexConformance } from '../conformance';
import { CORPUS, corpusDoc, makeSubscription } from '../conformance/corpus';
import type { SearchHit } from '../search-index.port';
import { InvalidCursorError } from './cursor';
import { SCHEMA_VERSION } from './schema';
import { SqliteSearchIndex } from './sqlite-search-index.adapter';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'radar-sqlite-'));
  dirs.push(dir);
  return join(dir, 'nested', 'radar.sqlite');
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeSearchIndexConformance('sqlite', async () => new SqliteSearchIndex({ file: tempFile() }));

describe('SqliteSearchIndex (SQLite specifics)', () => {
  let file: string;
  let index: SqliteSearchIndex;

  beforeEach(async () => {
    file = tempFile();
    index = new SqliteSearchIndex({ file });
    await index.init();
  });
  afterEach(async () => {
    await index.close();
  });

  it('creates the parent directories and runs in WAL mode with foreign keys', async () => {
    expect(existsSync(file)).toBe(true);
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('keeps everything across close and reopen', async () => {
    for (const doc of CORPUS) await index.upsertDocument(doc);
    await index.saveSubscription(makeSubscription({ id: 'sub-1', query: 'reactor' }));
    await index.close();

    const reopened = new SqliteSearchIndex({ file });
    await reopened.init();
    try {
      expect(await reopened.count()).toBe(CORPUS.length);
      expect(await reopened.getDocument('nrc-spent-fuel')).toEqual(corpusDoc('nrc-spent-fuel'));
      const res = await reopened.search({ query: parseQuery('"spent fuel"') });
      expect(res.hits.map((h) => h.document.id)).toEqual(['nrc-spent-fuel']);
      expect((await reopened.matchSubscriptions(corpusDoc('nrc-spent-fuel'))).map((s) => s.id)).toEqual(['sub-1']);
      expect(await reopened.upsertDocument(corpusDoc('nrc-spent-fuel'))).toBe('unchanged');
    } finally {
      await reopened.close();
    }
    index = new SqliteSearchIndex({ file }); // afterEach closes it
  });

  it('refuses a database from a newer schema', async () => {
    await index.close();
    const raw = new BetterSqlite3(file);
    raw.pragma('user_version = 99');
    raw.close();
    index = new SqliteSearchIndex({ file });
    await expect(index.init()).rejects.toThrow(/newer than this build/);
  });

  it('treats injection-looking queries as plain text', async () => {
    for (const doc of CORPUS) await index.upsertDocument(doc);
    const hostile = [
      `"); DROP TABLE documents; --`,
      `'; DELETE FROM documents WHERE '1'='1`,
      `title:"x" OR 1=1 --`,
      `NEAR(a b) {title} : * ^ "`,
      `sector:x' OR '1'='1`,
      `agency:"a\\" OR 1=1"`,
    ];
    for (const input of hostile) {
      let query: QueryNode;
      try {
        query = parseQuery(input);
      } catch {
        continue; // a syntax error is the parser's business; it must not reach SQL
      }
      await expect(index.search({ query, facets: ['sector'] })).resolves.toBeDefined();
      await expect(index.count(query)).resolves.toEqual(expect.any(Number));
    }
    const raw: QueryNode[] = [
      { kind: 'term', value: `"); DROP TABLE documents; --`, prefix: false },
      { kind: 'term', value: `" OR "`, prefix: false },
      { kind: 'term', value: `*" OR rowid > 0 --`, prefix: true },
      { kind: 'phrase', words: ['"', ')', 'near'], slop: 2 },
      { kind: 'keyword', field: 'sector', value: `x' OR '1'='1` },
      { kind: 'range', field: 'published', gte: `2026' OR '1'='1` },
    ];
    for (const query of raw) {
      const res = await index.search({ query });
      expect(res.total).toBe(0);
    }
    expect(await index.count()).toBe(CORPUS.length);
  });

  it('rejects a malformed or foreign cursor with InvalidCursorError', async () => {
    for (const doc of CORPUS) await index.upsertDocument(doc);
    const all: QueryNode = { kind: 'all' };
    await expect(index.search({ query: all, cursor: 'not a cursor!' })).rejects.toBeInstanceOf(InvalidCursorError);
    const datePage = await index.search({ query: all, sort: 'date', limit: 2 });
    await expect(index.search({ query: all, sort: 'relevance', cursor: datePage.nextCursor })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(index.listAlerts({ cursor: datePage.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('reindex rebuilds the full-text rows and tags from the stored documents', async () => {
    for (const doc of CORPUS) await index.upsertDocument(doc);
    expect(await index.reindex()).toBe(CORPUS.length);
    expect(await index.count(parseQuery('cybersecurity'))).toBe(4);
    expect(await index.count(parseQuery('sector:cybersecurity'))).toBe(3);
  });

  it('a document without a usable date is found but never matches a date range', async () => {
    await index.upsertDocument({ ...corpusDoc('shipyard-news'), publishedAt: 'sometime last week' });
    expect(await index.count(parseQuery('shipyard'))).toBe(1);
    expect(await index.count(parseQuery('shipyard published:<2100-01-01'))).toBe(0);
    expect(await index.count(parseQuery('shipyard -published:<2100-01-01'))).toBe(1);
  });
});

describe('SqliteSearchIndex: broad relevance queries ranked in two tiers', () => {
  // 60 matches: every third has "shipyard" in its title and a long body without it; the others
  // have it only in a short body, up to 29 times: exact bm25 ranks many of those above title hits.
  const base = corpusDoc('shipyard-news');
  const docs = Array.from({ length: 60 }, (_, i) => ({
    ...base,
    id: `broad-${String(i).padStart(2, '0')}`,
    contentHash: `hash-${i}`,
    title: i % 3 === 0 ? `Shipyard report ${i}` : `Harbor report ${i}`,
    summary: `Quarterly review number ${i}.`,
    body:
      i % 3 === 0 ? 'harbor capacity review '.repeat(20 + i) : `${'shipyard '.repeat(1 + ((i * 7) % 29))}review ${i}`,
    // Documents 40-59 are of another type: a keyword filter leaves 40 hits.
    docType: (i < 40 ? 'news' : 'report') as RadarDocument['docType'],
  }));
  const inTitle = (id: string): boolean => Number(id.slice(-2)) % 3 === 0;

  async function allPages(index: SqliteSearchIndex, query: QueryNode, limit: number): Promise<SearchHit[]> {
    const hits: SearchHit[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 30; pages++) {
      const page = await index.search({ query, sort: 'relevance', limit, cursor });
      hits.push(...page.hits);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return hits;
  }

  it.each([
    ['a pure full-text query', 'shipyard', 60],
    ['a keyword filter', 'shipyard type:news', 40],
    ['a keyword filter and a date range checked per row', 'shipyard type:news published:>=2025-01-01', 40],
  ])('%s: title and summary hits first, each tier in exact bm25 order, every hit once', async (_, input, count) => {
    const file = tempFile();
    const index = new SqliteSearchIndex({ file, broadMatches: 20 });
    const exact = new SqliteSearchIndex({ file, broadMatches: Number.MAX_SAFE_INTEGER });
    await index.init();
    await exact.init();
    try {
      await index.upsertDocuments(docs);
      const query = parseQuery(input);
      const first = await index.search({ query, sort: 'relevance', limit: 7 });
      expect(first.total).toBe(count);
      const tiered = await allPages(index, query, 7);
      const reference = await allPages(exact, query, 7);
      expect(tiered).toHaveLength(count);
      expect(new Set(tiered.map((h) => h.document.id)).size).toBe(count);
      // The exact order really does put body-only hits above title hits (the case tiers change).
      const firstBodyOnly = reference.findIndex((h) => !inTitle(h.document.id));
      expect(reference.slice(firstBodyOnly).some((h) => inTitle(h.document.id))).toBe(true);
      // Tiered: every title hit, then every body-only hit; within a tier, the exact order.
      const titleHits = tiered.filter((h) => inTitle(h.document.id));
      expect(tiered.slice(0, titleHits.length)).toEqual(titleHits);
      const byTier = (hits: SearchHit[], title: boolean): string[] =>
        hits.filter((h) => inTitle(h.document.id) === title).map((h) => h.document.id);
      expect(byTier(tiered, true)).toEqual(byTier(reference, true));
      expect(byTier(tiered, false)).toEqual(byTier(reference, false));
      // Scores are the exact bm25 scores.
      const exactScore = new Map(reference.map((h) => [h.document.id, h.score]));
      for (const hit of tiered) expect(hit.score).toBeCloseTo(exactScore.get(hit.document.id) ?? NaN, 9);
    } finally {
      await index.close();
      await exact.close();
    }
  });

  it('keeps a tiered listing tiered on later pages; below the threshold a search ranks exactly', async () => {
    const file = tempFile();
    const index = new SqliteSearchIndex({ file, broadMatches: 20 });
    const exact = new SqliteSearchIndex({ file, broadMatches: Number.MAX_SAFE_INTEGER });
    await index.init();
    await exact.init();
    try {
      await index.upsertDocuments(docs.slice(0, 30));
      const query = parseQuery('shipyard');
      const page1 = await index.search({ query, sort: 'relevance', limit: 5 });
      expect(page1.hits.every((h) => inTitle(h.document.id))).toBe(true);
      // Between pages the matches drop to 12 (4 title hits), under the threshold of 20: the
      // second page is still cut from the tiered order (title hits, then body-only hits).
      for (const doc of docs.slice(12, 30)) await index.deleteDocument(doc.id);
      const reference = (await allPages(exact, query, 5)).map((h) => h.document.id);
      expect(reference).toHaveLength(12);
      const tieredOrder = [...reference.filter(inTitle), ...reference.filter((id) => !inTitle(id))];
      expect(tieredOrder).not.toEqual(reference);
      const page2 = await index.search({ query, sort: 'relevance', limit: 5, cursor: page1.nextCursor });
      expect(page2.hits.map((h) => h.document.id)).toEqual(tieredOrder.slice(5, 10));
      // A fresh search over 12 matches is not tiered: it is the exact order.
      expect((await allPages(index, query, 5)).map((h) => h.document.id)).toEqual(reference);
    } finally {
      await index.close();
      await exact.close();
    }
  });
});
