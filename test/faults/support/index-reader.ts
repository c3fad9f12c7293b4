import { existsSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import type { Alert, RadarDocument } from '@radar/core';

export interface DocumentRow {
  id: string;
  sourceId: string;
  version: number;
  title: string;
  indexedAt: string;
}

export interface IndexHealth {
  /** `PRAGMA integrity_check`: 'ok' or the problems found. */
  integrity: string;
  /** FTS5's own `integrity-check` command: 'ok' or the error. */
  fts: string;
  documents: number;
  /** Document rows with no JSON, no full-text row or no tags, or whose JSON disagrees with the row or its tags. */
  partial: string[];
  /** Full-text rows, JSON rows or tags left by a document that no longer exists. */
  orphans: number;
}

/**
 * Reads the SQLite index straight from DATA_DIR/radar.sqlite, the way an operator would check
 * it: read-only while the roles run (WAL lets it read beside their writes), and with a
 * read-write connection for FTS5's integrity check once they are stopped.
 */
export class IndexReader {
  private db?: Database;

  constructor(readonly file: string) {}

  private conn(): Database {
    if (!this.db) {
      if (!existsSync(this.file)) throw new Error(`${this.file} does not exist yet`);
      this.db = new BetterSqlite3(this.file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 5000');
    }
    return this.db;
  }

  /** Documents in the index (0 until the database exists). */
  count(): number {
    if (!this.db && !existsSync(this.file)) return 0;
    try {
      return (this.conn().prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } catch (error) {
      // The first role to open the file creates the tables; until then there is nothing to count.
      if (/no such table/.test((error as Error).message)) return 0;
      throw error;
    }
  }

  documents(): DocumentRow[] {
    return (
      this.conn()
        .prepare(
          `SELECT d.id, d.source_id, d.version, d.indexed_at, json_extract(j.json, '$.title') AS title
           FROM documents d JOIN document_json j ON j.doc_key = d.doc_key`,
        )
        .all() as { id: string; source_id: string; version: number; indexed_at: string; title: string }[]
    ).map((r) => ({ id: r.id, sourceId: r.source_id, version: r.version, title: r.title, indexedAt: r.indexed_at }));
  }

  /** indexed_at of the given documents that are in the index. */
  indexedAt(ids: readonly string[]): Map<string, string> {
    const stmt = this.conn().prepare('SELECT indexed_at FROM documents WHERE id = ?');
    const out = new Map<string, string>();
    for (const id of ids) {
      const row = stmt.get(id) as { indexed_at: string } | undefined;
      if (row) out.set(id, row.indexed_at);
    }
    return out;
  }

  fullDocuments(): RadarDocument[] {
    return (this.conn().prepare('SELECT json FROM document_json').all() as { json: string }[]).map(
      (r) => JSON.parse(r.json) as RadarDocument,
    );
  }

  alerts(): Alert[] {
    return (this.conn().prepare('SELECT json FROM alerts').all() as { json: string }[]).map(
      (r) => JSON.parse(r.json) as Alert,
    );
  }

  deliveryIds(): Set<string> {
    return new Set((this.conn().prepare('SELECT id FROM deliveries').all() as { id: string }[]).map((r) => r.id));
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  /**
   * Opens the file read-write as a fresh process would (after a crash: WAL recovery), and
   * checks it: SQLite's integrity check, FTS5's, and that every document is whole: its JSON, its
   * full-text row and its tags are there and agree with the row (no partial document), and
   * nothing is left of a document that is gone. Run only when no role is writing.
   */
  static check(file: string): IndexHealth {
    const db = new BetterSqlite3(file, { fileMustExist: true });
    try {
      const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
        .map((r) => r.integrity_check)
        .join('; ');
      let fts = 'ok';
      try {
        db.exec("INSERT INTO docs_fts (docs_fts) VALUES ('integrity-check')");
      } catch (error) {
        fts = (error as Error).message;
      }
      const rows = db
        .prepare(
          `SELECT d.doc_key, d.id, d.version, d.content_hash, d.source_id, j.json,
                  d.priority,
                  EXISTS (SELECT 1 FROM docs_fts f WHERE f.rowid = d.doc_key) AS has_fts,
                  (SELECT count(*) FROM doc_tags t WHERE t.doc_key = d.doc_key AND t.field = 'source') AS source_tags,
                  (SELECT group_concat(value, ',') FROM doc_tags t
                     WHERE t.doc_key = d.doc_key AND t.field = 'sector') AS sectors
           FROM documents d LEFT JOIN document_json j ON j.doc_key = d.doc_key`,
        )
        .all() as {
        doc_key: number;
        id: string;
        version: number;
        content_hash: string;
        source_id: string;
        json: string | null;
        priority: string;
        has_fts: number;
        source_tags: number;
        sectors: string | null;
      }[];
      const partial: string[] = [];
      for (const r of rows) {
        const doc = r.json ? (JSON.parse(r.json) as RadarDocument) : undefined;
        const sectors =
          doc?.subSectors
            .map((s) => s.id.toLowerCase())
            .sort()
            .join(',') ?? '';
        const tagged = (r.sectors ?? '').split(',').filter(Boolean).sort().join(',');
        const problems = [
          !doc && 'no JSON',
          doc && (doc.id !== r.id || doc.version !== r.version || doc.contentHash !== r.content_hash) && 'JSON differs',
          doc && doc.priority !== r.priority && 'priority column differs from JSON',
          doc && sectors !== tagged && `sector tags [${tagged}] differ from JSON [${sectors}]`,
          !r.has_fts && 'no full-text row',
          r.source_tags !== 1 && `${r.source_tags} source tags`,
        ].filter(Boolean);
        if (problems.length) partial.push(`${r.id}: ${problems.join(', ')}`);
      }
      const orphans = (
        db
          .prepare(
            `SELECT (SELECT count(*) FROM docs_fts WHERE rowid NOT IN (SELECT doc_key FROM documents))
                  + (SELECT count(*) FROM document_json WHERE doc_key NOT IN (SELECT doc_key FROM documents))
                  + (SELECT count(*) FROM doc_tags WHERE doc_key NOT IN (SELECT doc_key FROM documents)) AS n`,
          )
          .get() as { n: number }
      ).n;
      return { integrity, fts, documents: rows.length, partial, orphans };
    } finally {
      db.close();
    }
  }
}
