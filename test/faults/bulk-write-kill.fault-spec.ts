import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { contentHash, documentId, type RadarDocument } from '@radar/core';
import { distMain } from './support/build-dist';
import { corpusItem } from './support/feeds';
import { distSearch, printFigures } from './support/fault-run';
import { IndexReader } from './support/index-reader';
import { CliProcess, killAllChildren } from './support/processes';

/**
 * kill -9 of a process in the middle of a bulk write transaction of the SQLite index: `radar
 * reclassify` (re-tags stored documents, written a batch per transaction) and `radar reindex`
 * (rebuilds every full-text row and tag in one transaction). Each kill lands while the process
 * holds the write lock, which the test sees from outside. Afterwards the database must open
 * cleanly, pass SQLite's and FTS5's integrity checks and hold no partial document: each one is
 * whole, old or new, with its JSON, its full-text row and its tags in agreement.
 */

const DOCUMENTS = 6000;
/** Which write transaction of each `radar reclassify` run is killed (the last run completes). */
const RECLASSIFY_KILLS = [1, 3, 2];
/** How long `radar reindex` holds its one transaction before it is killed (it needs about a second here). */
const REINDEX_KILL_AFTER_MS = 300;
const SOURCE = 'archive';

/** Stored with no tags at all, so `radar reclassify` rewrites every one (each is a policy action). */
function staleDocument(n: number, at: string): RadarDocument {
  const item = corpusItem(SOURCE, n, 1);
  const url = `https://agency.example.gov/news/${item.guid}`;
  const body = Array.from({ length: 4 }, () => item.description).join('\n\n');
  const text = { title: item.title, summary: item.description, body, url };
  return {
    id: documentId(SOURCE, item.guid),
    version: 1,
    contentHash: contentHash(text),
    sourceId: SOURCE,
    sourceName: 'Archive',
    ...text,
    publishedAt: '2026-11-23T09:00:00.000Z',
    fetchedAt: at,
    indexedAt: at,
    subSectors: [],
    focusAreas: [],
    advocacyGoals: [],
    docType: 'news',
    policyEvents: [],
    policyAction: false,
    agencies: [],
    priority: 'none',
    priorityReason: '',
  };
}

/** Sees from outside whether another process is inside a write transaction (it holds the lock). */
class WriterProbe {
  private readonly db: Database;

  constructor(file: string) {
    this.db = new BetterSqlite3(file, { fileMustExist: true });
    this.db.pragma('busy_timeout = 0');
  }

  writing(): boolean {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      return false;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
      throw error;
    }
  }

  close(): void {
    this.db.close();
  }
}

describe('fault: kill -9 during bulk index writes', () => {
  let dataDir = '';
  let file = '';
  let env: Record<string, string> = {};

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'radar-fault-bulk-'));
    file = join(dataDir, 'radar.sqlite');
    env = { DATA_DIR: dataDir, REDIS_AUTOSTART: 'false', LOG_LEVEL: 'warn' };
  });

  afterAll(async () => {
    await killAllChildren();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * Runs the CLI command and SIGKILLs it inside its `nth` write transaction (counted as the lock
   * is seen taken after being free), once it has held that transaction for `heldMs`. Returns how
   * long it had held it, or undefined when the command finished first.
   */
  async function killInsideWrite(args: string[], nth: number, heldMs = 0): Promise<number | undefined> {
    const probe = new WriterProbe(file);
    const cli = new CliProcess(args, env, distMain('cli'));
    let exited = false;
    void cli.done().then(() => (exited = true));
    try {
      let seen = 0;
      let wasWriting = false;
      let since = 0;
      const deadline = Date.now() + 120_000;
      while (!exited && Date.now() < deadline) {
        const writing = probe.writing();
        if (writing && !wasWriting && ++seen === nth) since = Date.now();
        if (!writing) since = 0;
        wasWriting = writing;
        if (since > 0 && Date.now() - since >= heldMs) {
          await cli.kill9();
          return Date.now() - since;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      if (!exited) throw new Error(`${args.join(' ')} did not finish in time: ${cli.output}`);
      return undefined;
    } finally {
      probe.close();
    }
  }

  /** Documents whose tags reclassify has written (the seed has none). */
  const retagged = (): number => {
    const reader = new IndexReader(file);
    try {
      return reader.fullDocuments().filter((d) => d.subSectors.length > 0).length;
    } finally {
      reader.close();
    }
  };

  /** Numbers of the documents a full-text search for their own reference does not find. */
  function unfindableDocuments(path: string): number[] {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      const find = db.prepare(
        `SELECT d.id FROM docs_fts f JOIN documents d ON d.doc_key = f.rowid WHERE docs_fts MATCH ?`,
      );
      const missing: number[] = [];
      for (let n = 0; n < DOCUMENTS; n++) {
        const ids = (find.all(`"${SOURCE} ${n}"`) as { id: string }[]).map((r) => r.id);
        if (ids.length !== 1 || ids[0] !== documentId(SOURCE, `${SOURCE}-item-${n}`)) missing.push(n);
      }
      return missing;
    } finally {
      db.close();
    }
  }

  it('leaves a database that opens cleanly with no partial document', async () => {
    const { SqliteSearchIndex } = await distSearch();
    const seed = new SqliteSearchIndex({ file });
    await seed.init();
    const at = new Date().toISOString();
    await seed.upsertDocuments(Array.from({ length: DOCUMENTS }, (_, n) => staleDocument(n, at)));
    await seed.close();

    const kills: {
      command: string;
      transaction: number;
      heldMs: number;
      retagged: number;
      partial: number;
      integrity: string;
    }[] = [];
    for (const nth of RECLASSIFY_KILLS) {
      const heldMs = await killInsideWrite(['reclassify'], nth);
      expect(heldMs).toBeDefined();
      const health = IndexReader.check(file);
      kills.push({
        command: 'reclassify',
        transaction: nth,
        heldMs: heldMs!,
        retagged: retagged(),
        partial: health.partial.length,
        integrity: health.integrity,
      });
      expect(health).toEqual({ integrity: 'ok', fts: 'ok', documents: DOCUMENTS, partial: [], orphans: 0 });
    }
    // Safe to run again: the interrupted runs' work stays, the rest is done now.
    const finish = new CliProcess(['reclassify'], env, distMain('cli'));
    expect(await finish.done()).toBe(0);
    expect(retagged()).toBe(DOCUMENTS);

    // reindex: one transaction that first deletes every full-text row and tag, then rebuilds them.
    const reindexHeldMs = await killInsideWrite(['reindex'], 1, REINDEX_KILL_AFTER_MS);
    expect(reindexHeldMs).toBeDefined();
    const afterReindexKill = IndexReader.check(file);
    kills.push({
      command: 'reindex',
      transaction: 1,
      heldMs: reindexHeldMs!,
      retagged: retagged(),
      partial: afterReindexKill.partial.length,
      integrity: afterReindexKill.integrity,
    });
    expect(afterReindexKill).toEqual({ integrity: 'ok', fts: 'ok', documents: DOCUMENTS, partial: [], orphans: 0 });

    // Every document is still found by its own words: its full-text row is whole.
    const unfindable = unfindableDocuments(file);
    const reindexStarted = Date.now();
    const reindex = new CliProcess(['reindex'], env, distMain('cli'));
    expect(await reindex.done()).toBe(0);
    const reindexMs = Date.now() - reindexStarted;
    const final = IndexReader.check(file);

    printFigures('kill -9 during bulk index writes', {
      documents: final.documents,
      kills,
      partialDocuments: Math.max(...kills.map((k) => k.partial), final.partial.length),
      unfindable: unfindable.length + unfindableDocuments(file).length,
      uninterruptedReindexMs: reindexMs,
      integrity: final.integrity,
      fts: final.fts,
    });
    expect(unfindable).toEqual([]);
    expect(reindex.output).toContain(`reindexed ${DOCUMENTS} documents`);
    expect(final).toEqual({ integrity: 'ok', fts: 'ok', documents: DOCUMENTS, partial: [], orphans: 0 });
  }, 300_000);
});
