import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { parseQuery, type QueryNode } from '@radar/core';
import { describeSearchIndexConformance } from '../conformance';
import { CORPUS, corpusDoc, makeSubscription } from '../conformance/corpus';
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

describe('SqliteSearchIndex: very broad relevance queries ranked in two tiers', () => {
  it('pages through every match exactly once, newest tier first, with an exact total', async () => {
    const index = new SqliteSearchIndex({ file: tempFile(), broadMatches: 20, broadWindow: 10 });
    await index.init();
    try {
      const base = corpusDoc('shipyard-news');
      const docs = Array.from({ length: 60 }, (_, i) => ({
        ...base,
        id: `broad-${String(i).padStart(2, '0')}`,
        contentHash: `hash-${i}`,
        title: `Shipyard report ${i}`,
        // Term frequency varies so scores differ across tiers.
        body: `${'shipyard '.repeat(1 + (i % 7))}capacity review number ${i}`,
      }));
      for (const doc of docs) await index.upsertDocument(doc);
      const query = parseQuery('shipyard');
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await index.search({ query, sort: 'relevance', limit: 7, cursor });
        expect(page.total).toBe(60);
        seen.push(...page.hits.map((h) => h.document.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toHaveLength(60);
      expect(new Set(seen).size).toBe(60);
      // The first tier holds the most recently indexed matches (a window sized for about 10).
      const firstTier = seen.slice(0, 10);
      expect(firstTier.every((id) => Number(id.slice(-2)) >= 49)).toBe(true);
    } finally {
      await index.close();
    }
  });
});
