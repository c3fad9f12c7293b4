/**
 * The embedded `SearchIndex`: one SQLite file (better-sqlite3 + FTS5). The only place that
 * imports better-sqlite3.
 *
 * Ordering and pagination:
 * - `date` sort: `published_at DESC, id DESC`, keyset cursor on (published_at, id). Stable
 *   under concurrent writes: a document inserted after page 1 was read appears on a later page
 *   only if it sorts after the cursor, so newer documents never shift later pages.
 * - `relevance` sort: score DESC, then `published_at DESC, id ASC`; the cursor is an offset.
 *   bm25 depends on corpus-wide statistics that move with every write, so a (score, id) keyset
 *   would not be stable either; an offset is simple, cheap and predictable (like ES from/size).
 *   Later pages read only the documents that existed when the first page was read (the cursor
 *   holds the largest `doc_key` then; new documents get larger keys), so documents inserted
 *   between pages neither appear nor shift the pages. A document updated between pages keeps
 *   its key and may move; one inserted after the newest document was deleted can take that
 *   document's key and appear.
 * - Score: `-bm25(docs_fts, 10, 4, 1)` (title, summary, body weights) of the OR of the query's
 *   positive text leaves; documents that match only through keyword/range filters score 0.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import type {
  Alert,
  AlertState,
  ApiKey,
  Feedback,
  FeedbackFilter,
  QueryNode,
  RadarDocument,
  Subscription,
} from '@radar/core';
import { bucketsFromSlots, histogramTimeZone, isUtc } from '../histogram';
import {
  FACET_NAMES,
  SearchIndex,
  type AlertFilter,
  type AlertPage,
  type BulkUpsertItem,
  type Delivery,
  type FacetName,
  type HistogramBucket,
  type HistogramRequest,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
  type SubscriptionFilter,
  type UpsertOptions,
  type UpsertOutcome,
} from '../search-index.port';
import { SubscriptionMatcher } from '../subscription-matcher';
import { mergeAlert } from '../alert-merge';
import type { DocumentVersion } from '@radar/core';
import { versionHistory, versionOf } from '../document-versions';
import { decodeCursor, encodeCursor, pageLimit, type RelevanceCursor } from './cursor';
import {
  compileWhere,
  ftsPlan,
  type FtsPlan,
  keywordValue,
  rankingExpression,
  sortableInstant,
  type SqlFragment,
  type SqlValue,
} from './fts-compiler';
import { migrate } from './schema';
import { buildSnippet, highlightUnits } from './snippet';
import { listAlertsMatching } from '../alert-query';

export interface SqliteSearchIndexOptions {
  /** Database file; parent directories are created. `:memory:` works for throwaway use. */
  file: string;
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Rows to score above which a relevance query is ranked in two tiers (default BROAD_MATCHES). */
  broadMatches?: number;
}

const FACET_LIMIT = 20;
/**
 * Relevance-sorted text queries (see `ftsPlan`) count facets over at most this many matches: all
 * of them when no more match (exact), otherwise the best-ranked ones, of the first tier when the
 * query is ranked in tiers (a sample; counts are then counts within the sample, not over the whole
 * match set).
 */
export const FACET_SAMPLE = 1000;
/** Counting stops here when a filter must be checked per match: `total` is then a lower bound. */
export const TOTAL_CAP = 10_000;
/** Relevance queries with more rows to score than this are ranked in two tiers (see rankedSearch). */
export const BROAD_MATCHES = 5_000;
/** bm25 column weights: title, summary, body. */
const BM25_WEIGHTS = '10.0, 4.0, 1.0';
const STATEMENT_CACHE_SIZE = 256;
/** Documents per write transaction in `upsertDocuments`. */
const BULK_CHUNK = 1000;

interface SearchRead {
  total: number;
  lowerBound?: boolean;
  page: { score: number; document: RadarDocument }[];
  nextCursor: string | undefined;
  facets: SearchResult['facets'];
  histogram: HistogramBucket[] | undefined;
}

/** `where` limited to rows whose key `column` is at most `bound` (unchanged without a bound). */
function upTo(where: SqlFragment, column: string, bound: number | undefined): SqlFragment {
  if (bound === undefined) return where;
  return { sql: `(${where.sql} AND ${column} <= ?)`, params: [...where.params, bound] };
}

/** Conditions on a full-text row `f` of a ranked search, each fragment starting with `AND`. */
function both(a: SqlFragment, b: SqlFragment): SqlFragment {
  return { sql: `${a.sql} ${b.sql}`, params: [...a.params, ...b.params] };
}
const HEAD_ONLY: SqlFragment = { sql: 'AND +f.rowid IN (SELECT doc_key FROM temp.search_head)', params: [] };
const NOT_HEAD: SqlFragment = { sql: 'AND +f.rowid NOT IN (SELECT doc_key FROM temp.search_head)', params: [] };

/** Relevance order: score desc, then newest first, then id asc. */
function byRelevance(a: DocRow, b: DocRow): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.published_at !== b.published_at) return a.published_at < b.published_at ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

interface ApiKeyRow {
  id: string;
  hash: string;
  role: ApiKey['role'];
  name: string;
  created_at: string;
  revoked_at: string | null;
}

function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  const key: ApiKey = { id: row.id, name: row.name, role: row.role, hash: row.hash, createdAt: row.created_at };
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  return key;
}

/** A full-text match and its score, before its id and date are looked up. */
interface Scored {
  doc_key: number;
  score: number;
}

interface DocRow {
  doc_key: number;
  id: string;
  published_at: string;
  score: number;
}

/** Keyword tags of a document: [field, value as written]. */
function documentTags(doc: RadarDocument): [string, string][] {
  const tags: [string, string][] = [];
  const add = (field: string, values: readonly (string | undefined)[] | undefined): void => {
    for (const v of values ?? []) if (typeof v === 'string' && v !== '') tags.push([field, v]);
  };
  add(
    'sector',
    doc.subSectors?.map((t) => t.id),
  );
  add('area', doc.focusAreas);
  add(
    'goal',
    doc.advocacyGoals?.map((t) => t.id),
  );
  add('type', [doc.docType]);
  add('agency', doc.agencies);
  add('source', [doc.sourceId]);
  add(
    'event',
    doc.policyEvents?.map((e) => e.kind),
  );
  add('priority', [doc.priority]);
  return tags;
}

function alertTags(alert: Alert): [string, string][] {
  const tags: [string, string][] = [];
  for (const v of alert.subSectors ?? []) tags.push(['sector', v]);
  for (const v of alert.focusAreas ?? []) tags.push(['area', v]);
  for (const v of alert.advocacyGoals ?? []) tags.push(['goal', v]);
  return tags;
}

export class SqliteSearchIndex extends SearchIndex {
  private db: Database | undefined;
  private readonly statements = new Map<string, Statement>();
  /** Confirmed subscriptions, parsed and indexed; rebuilt when `search_meta.subscriptions` moves. */
  private matcher: { version: number; matcher: SubscriptionMatcher } | undefined;

  constructor(private readonly options: SqliteSearchIndexOptions) {
    super();
  }

  override async init(): Promise<void> {
    if (this.db === undefined) {
      const file = this.options.file;
      if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
      const db = new BetterSqlite3(file);
      try {
        db.pragma('journal_mode = WAL');
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.options.busyTimeoutMs ?? 5000))}`);
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
        // Reads of large indexes: map the file (no read() per page) and keep a bigger page cache.
        db.pragma('mmap_size = 2147418112');
        db.pragma('cache_size = -65536');
        migrate(db);
        // Per-connection scratch sets: a filtered relevance search stores its filter's keys here
        // once, a broad one its first tier, and every statement of that search probes them by
        // rowid (see rankedSearch).
        db.exec('CREATE TEMP TABLE IF NOT EXISTS search_keys (doc_key INTEGER PRIMARY KEY)');
        db.exec('CREATE TEMP TABLE IF NOT EXISTS search_head (doc_key INTEGER PRIMARY KEY)');
      } catch (err) {
        db.close();
        throw err;
      }
      this.db = db;
    } else {
      migrate(this.db);
    }
  }

  override async close(): Promise<void> {
    this.statements.clear();
    this.matcher = undefined;
    const db = this.db;
    this.db = undefined;
    if (db?.open) db.close();
  }

  // ---------------------------------------------------------------- documents

  override async upsertDocument(doc: RadarDocument, options: UpsertOptions = {}): Promise<UpsertOutcome> {
    const force = options.force ?? false;
    const write = this.conn().transaction((): UpsertOutcome => this.writeDocument(doc, force));
    return write.immediate();
  }

  override async upsertDocuments(
    docs: readonly RadarDocument[],
    options: UpsertOptions = {},
  ): Promise<BulkUpsertItem[]> {
    const db = this.conn();
    const force = options.force ?? false;
    const out: BulkUpsertItem[] = [];
    // Fast path: one transaction per chunk. If any document throws, the chunk rolls back and is
    // redone with a savepoint per document, so one bad document fails alone.
    const fast = db.transaction((batch: readonly RadarDocument[]): BulkUpsertItem[] =>
      batch.map((doc) => ({ id: doc.id, outcome: this.writeDocument(doc, force) })),
    );
    const one = db.transaction((doc: RadarDocument): UpsertOutcome => this.writeDocument(doc, force));
    const careful = db.transaction((batch: readonly RadarDocument[]): BulkUpsertItem[] =>
      batch.map((doc): BulkUpsertItem => {
        try {
          return { id: doc.id, outcome: one(doc) };
        } catch (err) {
          return { id: String(doc?.id), outcome: 'failed', error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    for (let i = 0; i < docs.length; i += BULK_CHUNK) {
      const batch = docs.slice(i, i + BULK_CHUNK);
      let items: BulkUpsertItem[];
      try {
        items = fast.immediate(batch);
      } catch {
        items = careful.immediate(batch);
      }
      out.push(...items);
    }
    return out;
  }

  /** Insert or replace one document; the caller holds a write transaction. */
  private writeDocument(doc: RadarDocument, force = false): UpsertOutcome {
    const existing = this.stmt('SELECT doc_key, content_hash FROM documents WHERE id = ?').get(doc.id) as
      { doc_key: number; content_hash: string } | undefined;
    if (existing && existing.content_hash === doc.contentHash && !force) return 'unchanged';
    const values = [
      doc.version,
      doc.contentHash,
      doc.sourceId,
      sortableInstant(doc.publishedAt) ?? '',
      doc.docType,
      doc.priority,
      doc.indexedAt ?? '',
    ];
    let key: number;
    if (existing) {
      key = existing.doc_key;
      if (existing.content_hash !== doc.contentHash) this.keepVersion(key);
      this.stmt(
        `UPDATE documents SET version = ?, content_hash = ?, source_id = ?, published_at = ?, doc_type = ?,
           priority = ?, indexed_at = ? WHERE doc_key = ?`,
      ).run(...values, key);
      this.stmt('UPDATE document_json SET json = ? WHERE doc_key = ?').run(JSON.stringify(doc), key);
      this.stmt('DELETE FROM docs_fts WHERE rowid = CAST(? AS INTEGER)').run(key);
      this.stmt('DELETE FROM doc_tags WHERE doc_key = ?').run(key);
    } else {
      const info = this.stmt(
        `INSERT INTO documents (id, version, content_hash, source_id, published_at, doc_type, priority, indexed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(doc.id, ...values);
      key = Number(info.lastInsertRowid);
      this.stmt('INSERT INTO document_json (doc_key, json) VALUES (?, ?)').run(key, JSON.stringify(doc));
    }
    this.indexDocument(key, doc);
    return existing ? 'updated' : 'created';
  }

  /** Keeps the stored version of a document a content change is about to replace. */
  private keepVersion(key: number): void {
    const row = this.stmt('SELECT json FROM document_json WHERE doc_key = ?').get(key) as { json: string } | undefined;
    if (!row) return;
    const previous = versionOf(JSON.parse(row.json) as RadarDocument);
    this.stmt(
      `INSERT INTO document_versions (doc_key, version, json) VALUES (?, ?, ?)
       ON CONFLICT (doc_key, version) DO UPDATE SET json = excluded.json`,
    ).run(key, previous.version, JSON.stringify(previous));
  }

  override async getDocument(id: string): Promise<RadarDocument | null> {
    const row = this.stmt(
      'SELECT j.json FROM documents d JOIN document_json j ON j.doc_key = d.doc_key WHERE d.id = ?',
    ).get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as RadarDocument) : null;
  }

  override async getDocuments(ids: readonly string[]): Promise<(RadarDocument | null)[]> {
    if (ids.length === 0) return [];
    const rows = this.stmt(
      `SELECT d.id, j.json FROM (SELECT DISTINCT value AS id FROM json_each(?)) k
       JOIN documents d ON d.id = k.id JOIN document_json j ON j.doc_key = d.doc_key`,
    ).all(JSON.stringify(ids)) as { id: string; json: string }[];
    const json = new Map(rows.map((r) => [r.id, r.json]));
    return ids.map((id) => {
      const found = json.get(id);
      return found === undefined ? null : (JSON.parse(found) as RadarDocument);
    });
  }

  override async listDocumentVersions(id: string): Promise<DocumentVersion[]> {
    const read = this.conn().transaction(() => {
      const row = this.stmt(
        'SELECT d.doc_key, j.json FROM documents d JOIN document_json j ON j.doc_key = d.doc_key WHERE d.id = ?',
      ).get(id) as { doc_key: number; json: string } | undefined;
      if (!row) return [];
      const earlier = this.stmt('SELECT json FROM document_versions WHERE doc_key = ? ORDER BY version DESC').all(
        row.doc_key,
      ) as { json: string }[];
      return versionHistory(
        JSON.parse(row.json) as RadarDocument,
        earlier.map((r) => JSON.parse(r.json) as DocumentVersion),
      );
    });
    return read.deferred();
  }

  override async deleteDocument(id: string): Promise<boolean> {
    const db = this.conn();
    const remove = db.transaction((): boolean => {
      const row = this.stmt('SELECT doc_key FROM documents WHERE id = ?').get(id) as { doc_key: number } | undefined;
      if (!row) return false;
      this.stmt('DELETE FROM docs_fts WHERE rowid = CAST(? AS INTEGER)').run(row.doc_key);
      this.stmt('DELETE FROM documents WHERE doc_key = ?').run(row.doc_key);
      return true;
    });
    return remove.immediate();
  }

  override async *streamDocuments(batchSize = 500): AsyncIterable<RadarDocument[]> {
    const size = Math.max(1, Math.floor(batchSize));
    let after = -1;
    for (;;) {
      // One short read per batch (no transaction held across the consumer's awaits); keyset on
      // doc_key, which an update keeps, so every document present throughout is seen once.
      const rows = this.stmt('SELECT doc_key, json FROM document_json WHERE doc_key > ? ORDER BY doc_key LIMIT ?').all(
        after,
        size,
      ) as { doc_key: number; json: string }[];
      if (rows.length === 0) return;
      after = rows[rows.length - 1].doc_key;
      yield rows.map((r) => JSON.parse(r.json) as RadarDocument);
      if (rows.length < size) return;
    }
  }

  /**
   * Rebuild the derived state (full-text rows and keyword tags) from the stored documents.
   * Returns the number of documents reindexed.
   */
  override async reindex(): Promise<number> {
    const db = this.conn();
    const rebuild = db.transaction((): number => {
      db.exec("DELETE FROM doc_tags; INSERT INTO docs_fts (docs_fts) VALUES ('delete-all');");
      // Batches by key: a statement cannot be iterated while the same connection writes.
      const batch = this.stmt('SELECT doc_key, json FROM document_json WHERE doc_key > ? ORDER BY doc_key LIMIT 500');
      let n = 0;
      let after = -1;
      for (;;) {
        const rows = batch.all(after) as { doc_key: number; json: string }[];
        if (rows.length === 0) break;
        for (const row of rows) this.indexDocument(row.doc_key, JSON.parse(row.json) as RadarDocument);
        n += rows.length;
        after = rows[rows.length - 1].doc_key;
      }
      return n;
    });
    return rebuild.immediate();
  }

  private indexDocument(key: number, doc: RadarDocument): void {
    this.stmt('INSERT INTO docs_fts (rowid, title, summary, body) VALUES (CAST(? AS INTEGER), ?, ?, ?)').run(
      key,
      doc.title ?? '',
      doc.summary ?? '',
      doc.body ?? '',
    );
    const tag = this.stmt('INSERT OR IGNORE INTO doc_tags (doc_key, field, value, label) VALUES (?, ?, ?, ?)');
    for (const [field, label] of documentTags(doc)) tag.run(key, field, keywordValue(label), label);
  }

  // ---------------------------------------------------------------- search

  override async search(req: SearchRequest): Promise<SearchResult> {
    const sort = req.sort ?? 'relevance';
    const limit = pageLimit(req.limit);
    const relevance = sort === 'relevance' && req.cursor ? decodeCursor(req.cursor, 'rel') : undefined;
    const where = upTo(compileWhere(req.query), 'd.doc_key', relevance?.b);
    const rank = rankingExpression(req.query);
    const db = this.conn();
    const plan = sort === 'relevance' ? ftsPlan(req.query) : null;
    if (plan !== null) {
      return this.toResult(req, db.transaction(() => this.rankedSearch(req, plan, limit, where, relevance)).deferred());
    }

    // One read transaction: total, page and facets see the same snapshot.
    const read = db.transaction((): SearchRead => {
      const total = this.countWhere(where);
      let rows: DocRow[];
      let nextCursor: string | undefined;
      if (sort === 'date') {
        const after = req.cursor ? decodeCursor(req.cursor, 'date') : undefined;
        const keyset: SqlFragment = after
          ? { sql: '(d.published_at < ? OR (d.published_at = ? AND d.id < ?))', params: [after.p, after.p, after.i] }
          : { sql: '1', params: [] };
        rows = this.stmt(
          `SELECT d.doc_key, d.id, d.published_at, 0 AS score FROM documents d
           WHERE ${where.sql} AND ${keyset.sql}
           ORDER BY d.published_at DESC, d.id DESC LIMIT ?`,
        ).all(...where.params, ...keyset.params, limit + 1) as DocRow[];
        if (rows.length > limit) {
          rows = rows.slice(0, limit);
          const last = rows[rows.length - 1];
          nextCursor = encodeCursor({ k: 'date', p: last.published_at, i: last.id });
        }
        if (rank !== null && rows.length > 0) {
          // Scores for this page only: one MATCH bounded by the page's key range (a point query
          // per hit would expand a prefix or phrase once per hit).
          const keys = rows.map((r) => r.doc_key);
          const scored = this.stmt(
            `SELECT rowid AS k, -bm25(docs_fts, ${BM25_WEIGHTS}) AS score FROM docs_fts
             WHERE docs_fts MATCH ? AND rowid >= CAST(? AS INTEGER) AND rowid <= CAST(? AS INTEGER)`,
          ).all(rank, Math.min(...keys), Math.max(...keys)) as { k: number; score: number }[];
          const byKey = new Map(scored.map((r) => [r.k, r.score]));
          for (const row of rows) row.score = byKey.get(row.doc_key) ?? 0;
        }
      } else {
        const offset = relevance?.o ?? 0;
        // bm25 of every document the ranking expression matches, joined to the filtered set.
        const ranked =
          rank === null
            ? { withClause: '', from: 'documents d', score: '0', params: [] as SqlValue[] }
            : {
                withClause: `WITH r AS MATERIALIZED (SELECT rowid AS k, -bm25(docs_fts, ${BM25_WEIGHTS}) AS score
                   FROM docs_fts WHERE docs_fts MATCH ?) `,
                from: 'documents d LEFT JOIN r ON r.k = d.doc_key',
                score: 'COALESCE(r.score, 0)',
                params: [rank] as SqlValue[],
              };
        rows = this.stmt(
          `${ranked.withClause}SELECT d.doc_key, d.id, d.published_at, ${ranked.score} AS score FROM ${ranked.from}
           WHERE ${where.sql}
           ORDER BY score DESC, d.published_at DESC, d.id ASC LIMIT ? OFFSET ?`,
        ).all(...ranked.params, ...where.params, limit + 1, offset) as DocRow[];
        if (rows.length > limit) {
          rows = rows.slice(0, limit);
          nextCursor = encodeCursor({ k: 'rel', o: offset + limit, b: relevance?.b ?? this.lastDocKey() });
        }
      }
      // The full documents of this page only (the sort ran over the narrow table).
      const page = this.loadPage(rows);
      const facets = this.facets(where, req.facets ?? []);
      const histogram = req.histogram ? this.histogram(where, req.histogram) : undefined;
      return { total, page, nextCursor, facets, histogram };
    });
    return this.toResult(req, read.deferred());
  }

  /**
   * Relevance search driven by the full-text match: its rows, filtered by the plan's other
   * conditions, are scored with bm25 and the best kept by SQLite's top-N sort; total, facets and
   * page come from the same ranked rows.
   */
  private rankedSearch(
    req: SearchRequest,
    plan: FtsPlan,
    limit: number,
    where: SqlFragment,
    cursor: RelevanceCursor | undefined,
  ): SearchRead {
    const offset = cursor?.o ?? 0;
    const names = this.facetNames(req.facets ?? []);
    const need = offset + limit + 1;
    // Later pages: the documents of the first page's time only (FTS5 bounds its rowids itself).
    const bound = cursor?.b;
    const filter =
      bound === undefined
        ? this.rankFilter(plan)
        : both(this.rankFilter(plan), { sql: 'AND f.rowid <= ?', params: [bound] });

    // Totals first (they are cheap: FTS5 counts without decoding positions or scoring): the
    // exact total of a pure full-text query; for a filtered one, exact when every full-text match
    // can be scored (below), else a count capped at TOTAL_CAP.
    const countMatches = (expression: string): number =>
      (
        (bound === undefined
          ? this.stmt('SELECT count(*) AS n FROM docs_fts WHERE docs_fts MATCH ?').get(expression)
          : this.stmt('SELECT count(*) AS n FROM docs_fts WHERE docs_fts MATCH ? AND rowid <= ?').get(
              expression,
              bound,
            )) as { n: number }
      ).n;
    const textMatches = countMatches(plan.match);
    const broad = this.options.broadMatches ?? BROAD_MATCHES;
    let total: number;
    let lowerBound = false;
    // Every hit, scored and in score order, when the filter was applied in the same pass.
    let everyHit: Scored[] | undefined;
    if (plan.count !== undefined) {
      total = plan.count === plan.match ? textMatches : countMatches(plan.count);
    } else if (textMatches <= broad) {
      // Few enough full-text matches to score every one that passes the filter: one pass gives
      // the exact total and the ranking (instead of a count, then the same filter again).
      everyHit = this.rankedRows(plan.match, filter, textMatches + 1).rows;
      total = everyHit.length;
    } else {
      total = (
        this.stmt(
          `SELECT count(*) AS n FROM (SELECT 1 FROM docs_fts f WHERE docs_fts MATCH ? ${filter.sql} LIMIT ?)`,
        ).get(plan.match, ...filter.params, TOTAL_CAP + 1) as { n: number }
      ).n;
      if (total > TOTAL_CAP) {
        total = TOTAL_CAP;
        lowerBound = true;
      }
    }

    // Broad queries: bm25 costs ~0.5 µs per scored row (matching alone ~0.05 µs), and only rows
    // that pass the filters are scored: the filtered total when it is known, else every full-text
    // match. A query with more than BROAD_MATCHES rows to score is ranked in two tiers: first the
    // hits with a positive term in the title or summary (`plan.head`), then the others. Scores are
    // exact bm25 scores and each tier is in exact order; only a body-only hit that would outscore
    // a title or summary hit is placed after it. The tiering travels in the cursor, so paging is
    // stable: every hit appears exactly once. Facets are counted over the top FACET_SAMPLE of the
    // first tier. Totals stay as above.
    const toScore = lowerBound ? textMatches : total;
    const tiered = cursor !== undefined ? cursor.t === 1 : toScore > broad;
    const sample = names.length > 0 ? FACET_SAMPLE : 0;
    // `scored` is in score order (facets sample its head); `ordered` is the head that pages are
    // cut from, in full relevance order (ties broken by date and id, looked up for it alone).
    let scored: Scored[];
    let ordered: DocRow[];
    let more: boolean;
    if (!tiered) {
      scored = everyHit ?? this.rankedRows(plan.match, filter, need, sample).rows;
      ordered = this.inRelevanceOrder(scored, need);
      more = scored.length > offset + limit;
    } else {
      this.stmt('DELETE FROM temp.search_head').run();
      this.stmt('INSERT INTO temp.search_head (doc_key) SELECT rowid FROM docs_fts WHERE docs_fts MATCH ?').run(
        plan.head,
      );
      const first = this.rankedRows(plan.match, both(filter, HEAD_ONLY), need, sample);
      scored = first.rows;
      ordered = this.inRelevanceOrder(first.rows, need);
      if (first.complete && need > first.rows.length) {
        const second = this.rankedRows(plan.match, both(filter, NOT_HEAD), need - first.rows.length).rows;
        ordered = [...ordered, ...this.inRelevanceOrder(second, need - first.rows.length)];
      }
      more = ordered.length > offset + limit;
    }
    const pageRows = ordered.slice(offset, offset + limit);
    const nextCursor = more
      ? encodeCursor({ k: 'rel', o: offset + limit, ...(tiered ? { t: 1 } : {}), b: bound ?? this.lastDocKey() })
      : undefined;
    const facets = this.facetsOfKeys(
      scored.slice(0, FACET_SAMPLE).map((r) => r.doc_key),
      names,
    );
    const histogram = req.histogram ? this.histogram(where, req.histogram) : undefined;
    return { total, lowerBound, page: this.loadPage(pageRows), nextCursor, facets, histogram };
  }

  /**
   * The condition that keeps a full-text row of `plan` (an SQL fragment over `docs_fts f`): set
   * membership in the connection's temp `search_keys`, filled here once per search (an IN over a
   * subquery would rebuild its set in each statement), then the residual conditions. `+` keeps
   * SQLite from handing the IN to FTS5 as one point query per key, each of which would recompute
   * bm25's IDF.
   */
  private rankFilter(plan: FtsPlan): SqlFragment {
    let filter: SqlFragment = { sql: '', params: [] };
    if (plan.keys) {
      this.stmt('DELETE FROM temp.search_keys').run();
      this.stmt(`INSERT INTO temp.search_keys (doc_key) ${plan.keys.sql}`).run(...plan.keys.params);
      filter = {
        sql: `AND +f.rowid ${plan.exclude ? 'NOT IN' : 'IN'} (SELECT doc_key FROM temp.search_keys)`,
        params: [],
      };
    }
    if (plan.residual) {
      filter = both(filter, {
        sql: `AND EXISTS (SELECT 1 FROM documents d WHERE d.doc_key = f.rowid AND ${plan.residual.sql})`,
        params: plan.residual.params,
      });
    }
    return filter;
  }

  /**
   * The best rows matching `match` and `filter`, by descending score: at least `count` of them
   * (more when rows tie with the `count`th: all of those) and at least `sample` (for facets; no
   * tie completion); `complete` when no other row matches. bm25 is a result column, so it is
   * computed only for rows that pass the filter, and SQLite's top-N sort keeps the best (FTS5's
   * own `ORDER BY rank` scores every full-text match before any filter and sorts them all: ~1.5x
   * slower even unfiltered).
   */
  private rankedRows(
    match: string,
    filter: SqlFragment,
    count: number,
    sample = 0,
  ): { rows: Scored[]; complete: boolean } {
    if (count <= 0 && sample <= 0) return { rows: [], complete: false };
    const ranked = this.stmt(
      `SELECT f.rowid AS doc_key, -bm25(docs_fts, ${BM25_WEIGHTS}) AS score FROM docs_fts f
       WHERE docs_fts MATCH ? ${filter.sql}
       ORDER BY score DESC LIMIT ?`,
    );
    // Fetch until the rows that make the cut are final: every fetched row scoring above the last
    // fetched score is final; rows tied with it may continue past the limit.
    let want = Math.max(count + 8, sample);
    for (;;) {
      const rows = ranked.all(match, ...filter.params, want) as Scored[];
      if (rows.length < want) return { rows, complete: true };
      const min = rows[rows.length - 1].score;
      let above = rows.length;
      while (above > 0 && rows[above - 1].score === min) above--;
      if (above >= count) return { rows, complete: false };
      want *= 4;
    }
  }

  /**
   * The first `upTo` of `scored` (extended over rows tied with the last of them), with id and
   * published date looked up, in relevance order: score, then newest, then id.
   */
  private inRelevanceOrder(scored: Scored[], upTo: number): DocRow[] {
    let cut = Math.min(upTo, scored.length);
    while (cut > 0 && cut < scored.length && scored[cut].score === scored[cut - 1].score) cut++;
    if (cut === 0) return [];
    const head = scored.slice(0, cut);
    const meta = this.stmt(
      `SELECT d.doc_key, d.id, d.published_at FROM json_each(?) j
       CROSS JOIN documents d ON d.doc_key = j.value`,
    ).all(JSON.stringify(head.map((r) => r.doc_key))) as DocRow[];
    const byKey = new Map(meta.map((m) => [m.doc_key, m]));
    const rows: DocRow[] = [];
    for (const r of head) {
      const m = byKey.get(r.doc_key);
      if (m !== undefined) rows.push({ ...m, score: r.score });
    }
    return rows.sort(byRelevance);
  }

  private loadPage(rows: DocRow[]): { score: number; document: RadarDocument }[] {
    const json = this.stmt('SELECT json FROM document_json WHERE doc_key = ?');
    return rows.map((row) => ({
      score: row.score,
      document: JSON.parse((json.get(row.doc_key) as { json: string }).json) as RadarDocument,
    }));
  }

  private facetNames(names: readonly FacetName[]): FacetName[] {
    const out = [...new Set(names)];
    for (const name of out) {
      if (!(FACET_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown facet: ${String(name)}`);
    }
    return out;
  }

  /**
   * Facet counts over the given documents, in one pass over the covering `doc_tags_doc` index,
   * visited in key order (neighbouring keys share index pages: about half the time of a visit in
   * score order). Buckets are by normalised value; the label shown is the value as first written.
   */
  private facetsOfKeys(unordered: readonly number[], names: FacetName[]): SearchResult['facets'] {
    const out: SearchResult['facets'] = {};
    if (names.length === 0) return out;
    const keys = Float64Array.from(unordered).sort();
    const rows = (
      keys.length === 0
        ? []
        : this.stmt(
            `SELECT t.field, t.value, count(*) AS n FROM json_each(?) j
             CROSS JOIN doc_tags t INDEXED BY doc_tags_doc ON t.doc_key = j.value
             WHERE t.field IN (SELECT value FROM json_each(?))
             GROUP BY t.field, t.value`,
          ).all(JSON.stringify(Array.from(keys)), JSON.stringify(names))
    ) as { field: string; value: string; n: number }[];
    const label = this.stmt('SELECT label FROM doc_tags WHERE field = ? AND value = ? LIMIT 1');
    const byField = new Map<string, { value: string; count: number }[]>();
    for (const r of rows) {
      const l = (label.get(r.field, r.value) as { label: string } | undefined)?.label ?? r.value;
      let list = byField.get(r.field);
      if (list === undefined) byField.set(r.field, (list = []));
      list.push({ value: l, count: r.n });
    }
    for (const name of names) {
      const list = byField.get(name) ?? [];
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      out[name] = list.slice(0, FACET_LIMIT);
    }
    return out;
  }

  private toResult(req: SearchRequest, read: SearchRead): SearchResult {
    const { total, page, nextCursor, facets, histogram } = read;
    const units = highlightUnits(req.query);
    const hits: SearchHit[] = page.map(({ document, score }) => ({
      document,
      score,
      snippet: buildSnippet(document, units),
    }));
    const result: SearchResult = { total, hits, facets };
    if (read.lowerBound) result.totalIsLowerBound = true;
    if (nextCursor !== undefined) result.nextCursor = nextCursor;
    if (histogram !== undefined) result.histogram = histogram;
    return result;
  }

  /** The largest document key: documents inserted later have larger keys. */
  private lastDocKey(): number {
    return (this.stmt('SELECT max(doc_key) AS k FROM documents').get() as { k: number | null }).k ?? 0;
  }

  override async count(query?: QueryNode): Promise<number> {
    return this.countWhere(compileWhere(query ?? { kind: 'all' }));
  }

  private countWhere(where: SqlFragment): number {
    const row = this.stmt(`SELECT count(*) AS n FROM documents d WHERE ${where.sql}`).get(...where.params) as {
      n: number;
    };
    return row.n;
  }

  private facets(where: SqlFragment, names: readonly FacetName[]): SearchResult['facets'] {
    const out: SearchResult['facets'] = {};
    for (const name of new Set(names)) {
      if (!(FACET_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown facet: ${String(name)}`);
      const rows = this.stmt(
        `SELECT t.label AS value, count(DISTINCT t.doc_key) AS count
         FROM doc_tags t JOIN documents d ON d.doc_key = t.doc_key
         WHERE t.field = ? AND ${where.sql}
         GROUP BY t.label ORDER BY count DESC, value ASC LIMIT ${FACET_LIMIT}`,
      ).all(name, ...where.params) as { value: string; count: number }[];
      out[name] = rows.map((r) => ({ value: r.value, count: r.count }));
    }
    return out;
  }

  /**
   * Counts per UTC day (UTC zone) or per UTC 15-minute slot (other zones: offsets are multiples
   * of 15 minutes), placed in local buckets in TypeScript.
   */
  private histogram(where: SqlFragment, req: HistogramRequest): HistogramBucket[] {
    const zone = histogramTimeZone(req);
    const utc = isUtc(zone);
    const slot = utc
      ? "substr(d.published_at, 1, 10) || 'T00:00'"
      : "substr(d.published_at, 1, 14) || printf('%02d', (CAST(substr(d.published_at, 15, 2) AS INTEGER) / 15) * 15)";
    const rows = this.stmt(
      `SELECT ${slot} AS slot, count(*) AS n FROM documents d
       WHERE d.published_at <> '' AND ${where.sql} GROUP BY slot`,
    ).all(...where.params) as { slot: string; n: number }[];
    return bucketsFromSlots(
      rows.map((r) => ({ slotStartMs: Date.parse(`${r.slot}:00.000Z`), count: r.n })),
      req.interval,
      zone,
    );
  }

  // ---------------------------------------------------------------- subscriptions

  override async saveSubscription(sub: Subscription): Promise<void> {
    this.stmt(
      `INSERT INTO subscriptions (id, email, query, status, confirm_token, unsubscribe_token, created_at, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET email = excluded.email, query = excluded.query, status = excluded.status,
         confirm_token = excluded.confirm_token, unsubscribe_token = excluded.unsubscribe_token,
         created_at = excluded.created_at, json = excluded.json`,
    ).run(
      sub.id,
      sub.email,
      sub.query,
      sub.status,
      sub.confirmToken,
      sub.unsubscribeToken,
      sub.createdAt,
      JSON.stringify(sub),
    );
  }

  override async getSubscription(id: string): Promise<Subscription | null> {
    return this.oneSubscription('SELECT json FROM subscriptions WHERE id = ?', id);
  }

  override async findSubscriptionByEmailAndQuery(email: string, query: string): Promise<Subscription | null> {
    return this.oneSubscription(
      'SELECT json FROM subscriptions WHERE email = ? AND query = ? ORDER BY created_at, id LIMIT 1',
      email,
      query,
    );
  }

  override async findSubscriptionByToken(kind: 'confirm' | 'unsubscribe', token: string): Promise<Subscription | null> {
    const column = kind === 'confirm' ? 'confirm_token' : 'unsubscribe_token';
    return this.oneSubscription(
      `SELECT json FROM subscriptions WHERE ${column} = ? ORDER BY created_at, id LIMIT 1`,
      token,
    );
  }

  override async deleteSubscription(id: string): Promise<boolean> {
    return this.stmt('DELETE FROM subscriptions WHERE id = ?').run(id).changes > 0;
  }

  override async listSubscriptions(filter: SubscriptionFilter = {}): Promise<Subscription[]> {
    const conds: string[] = [];
    const params: SqlValue[] = [];
    if (filter.email !== undefined) {
      conds.push('email = ?');
      params.push(filter.email);
    }
    if (filter.status !== undefined) {
      conds.push('status = ?');
      params.push(filter.status);
    }
    if (filter.channel !== undefined) {
      conds.push(`json_extract(json, '$.target.kind') IS ${filter.channel === 'webhook' ? "'webhook'" : 'NULL'}`);
    }
    const rows = this.stmt(
      `SELECT json FROM subscriptions WHERE ${conds.length > 0 ? conds.join(' AND ') : '1'} ORDER BY created_at, id`,
    ).all(...params) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as Subscription);
  }

  override async matchSubscriptions(doc: RadarDocument): Promise<Subscription[]> {
    return this.subscriptionMatcher().match(doc);
  }

  /** The matcher over confirmed subscriptions, rebuilt when any connection changed one. */
  private subscriptionMatcher(): SubscriptionMatcher {
    const row = this.stmt("SELECT value FROM search_meta WHERE key = 'subscriptions'").get() as { value: number };
    if (this.matcher === undefined || this.matcher.version !== row.value) {
      const read = this.conn().transaction(() => ({
        version: (this.stmt("SELECT value FROM search_meta WHERE key = 'subscriptions'").get() as { value: number })
          .value,
        rows: this.stmt("SELECT json FROM subscriptions WHERE status = 'confirmed' ORDER BY id").all() as {
          json: string;
        }[],
      }));
      const { version, rows } = read.deferred();
      this.matcher = { version, matcher: new SubscriptionMatcher(rows.map((r) => JSON.parse(r.json) as Subscription)) };
    }
    return this.matcher.matcher;
  }

  private oneSubscription(sql: string, ...params: SqlValue[]): Subscription | null {
    const row = this.stmt(sql).get(...params) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Subscription) : null;
  }

  // ---------------------------------------------------------------- alerts

  override async upsertAlert(alert: Alert): Promise<UpsertOutcome> {
    const db = this.conn();
    const write = db.transaction((): UpsertOutcome => {
      const row = this.stmt('SELECT json FROM alerts WHERE id = ?').get(alert.id) as { json: string } | undefined;
      const next = mergeAlert(alert, row ? (JSON.parse(row.json) as Alert) : null);
      if (next === null) return 'unchanged';
      this.stmt(
        `INSERT INTO alerts (id, document_id, created_at, updated_at, state, priority, doc_type, published_at, json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET document_id = excluded.document_id, updated_at = excluded.updated_at,
           priority = excluded.priority, doc_type = excluded.doc_type, published_at = excluded.published_at,
           json = excluded.json`,
      ).run(
        next.id,
        next.documentId,
        sortableInstant(next.createdAt) ?? next.createdAt,
        sortableInstant(next.updatedAt) ?? next.updatedAt,
        next.state,
        next.priority,
        next.docType,
        sortableInstant(next.publishedAt) ?? next.publishedAt,
        JSON.stringify(next),
      );
      this.stmt('DELETE FROM alert_tags WHERE alert_id = ?').run(next.id);
      const tag = this.stmt('INSERT OR IGNORE INTO alert_tags (alert_id, field, value) VALUES (?, ?, ?)');
      for (const [field, value] of alertTags(next)) tag.run(next.id, field, keywordValue(value));
      return row ? 'updated' : 'created';
    });
    return write.immediate();
  }

  override async claimAlertKeys(alertId: string, keys: readonly string[]): Promise<string> {
    if (keys.length === 0) return alertId;
    // One immediate transaction: two workers claiming overlapping keys are serialised, and the
    // second sees the first's claims.
    const claim = this.conn().transaction((): string => {
      const read = this.stmt('SELECT alert_id, rowid AS seq FROM alert_keys WHERE key = ?');
      const found = keys.map((k) => read.get(k) as { alert_id: string; seq: number } | undefined);
      const earliest = found
        .filter((f): f is { alert_id: string; seq: number } => f !== undefined)
        .sort((a, b) => a.seq - b.seq)[0];
      const winner = found[0]?.alert_id ?? earliest?.alert_id ?? alertId;
      const insert = this.stmt('INSERT OR IGNORE INTO alert_keys (key, alert_id, claimed_at) VALUES (?, ?, ?)');
      const now = new Date().toISOString();
      for (const key of keys) insert.run(key, winner, now);
      return winner;
    });
    return claim.immediate();
  }

  override async setAlertState(id: string, state: AlertState, by?: string): Promise<Alert | null> {
    const write = this.conn().transaction((): Alert | null => {
      const row = this.stmt('SELECT json FROM alerts WHERE id = ?').get(id) as { json: string } | undefined;
      if (!row) return null;
      const { stateChangedBy: _previous, ...rest } = JSON.parse(row.json) as Alert;
      const next: Alert = { ...rest, state, stateChangedAt: new Date().toISOString() };
      if (by !== undefined) next.stateChangedBy = by;
      this.stmt('UPDATE alerts SET state = ?, json = ? WHERE id = ?').run(state, JSON.stringify(next), id);
      return next;
    });
    return write.immediate();
  }

  override async getAlert(id: string): Promise<Alert | null> {
    const row = this.stmt('SELECT json FROM alerts WHERE id = ?').get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Alert) : null;
  }

  override async listAlerts(filter: AlertFilter): Promise<AlertPage> {
    if (filter.query !== undefined && filter.query.kind !== 'all') {
      return listAlertsMatching(
        { ...filter, query: filter.query },
        (f) => this.listAlerts(f),
        (ids) => this.getDocuments(ids),
      );
    }
    const limit = pageLimit(filter.limit);
    const conds: string[] = [];
    const params: SqlValue[] = [];
    const tagFilter = (field: string, value: string | undefined): void => {
      if (value === undefined) return;
      conds.push('EXISTS (SELECT 1 FROM alert_tags t WHERE t.field = ? AND t.value = ? AND t.alert_id = a.id)');
      params.push(field, keywordValue(value));
    };
    tagFilter('sector', filter.sector);
    tagFilter('area', filter.area);
    tagFilter('goal', filter.goal);
    const columnFilter = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      conds.push(`a.${column} = ?`);
      params.push(value);
    };
    columnFilter('priority', filter.priority);
    columnFilter('doc_type', filter.type);
    columnFilter('state', filter.state);
    if (filter.since !== undefined) {
      conds.push('a.created_at >= ?');
      params.push(sortableInstant(filter.since) ?? filter.since);
    }
    if (filter.cursor !== undefined) {
      const after = decodeCursor(filter.cursor, 'alert');
      conds.push('(a.created_at < ? OR (a.created_at = ? AND a.id < ?))');
      params.push(after.c, after.c, after.i);
    }
    const where = conds.length > 0 ? conds.join(' AND ') : '1';
    const rows = this.stmt(
      `SELECT a.id, a.created_at, a.json FROM alerts a WHERE ${where}
       ORDER BY a.created_at DESC, a.id DESC LIMIT ?`,
    ).all(...params, limit + 1) as { id: string; created_at: string; json: string }[];
    const page = rows.slice(0, limit);
    const result: AlertPage = { alerts: page.map((r) => JSON.parse(r.json) as Alert) };
    if (rows.length > limit) {
      const last = page[page.length - 1];
      result.nextCursor = encodeCursor({ k: 'alert', c: last.created_at, i: last.id });
    }
    return result;
  }

  // ---------------------------------------------------------------- feedback

  override async recordFeedback(feedback: Feedback): Promise<void> {
    this.stmt(
      'INSERT OR REPLACE INTO feedback (id, document_id, kind, label, created_at, json) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      feedback.id,
      feedback.documentId,
      feedback.kind,
      feedback.label,
      feedback.createdAt,
      JSON.stringify(feedback),
    );
  }

  override async listFeedback(filter: FeedbackFilter): Promise<Feedback[]> {
    const rows = this.stmt(
      'SELECT json FROM feedback WHERE (@doc IS NULL OR document_id = @doc) AND (@label IS NULL OR label = @label) ORDER BY created_at, id',
    ).all({ doc: filter.documentId ?? null, label: filter.label ?? null }) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as Feedback);
  }

  // ---------------------------------------------------------------- deliveries

  override async getDelivery(id: string): Promise<Delivery | null> {
    const row = this.stmt('SELECT id, subscription_id, email, subject, sent_at FROM deliveries WHERE id = ?').get(
      id,
    ) as { id: string; subscription_id: string; email: string; subject: string; sent_at: string } | undefined;
    if (!row) return null;
    return {
      id: row.id,
      subscriptionId: row.subscription_id,
      email: row.email,
      subject: row.subject,
      sentAt: row.sent_at,
    };
  }

  override async recordDelivery(delivery: Delivery): Promise<void> {
    this.stmt(
      'INSERT OR IGNORE INTO deliveries (id, subscription_id, email, subject, sent_at) VALUES (?, ?, ?, ?, ?)',
    ).run(delivery.id, delivery.subscriptionId, delivery.email, delivery.subject, delivery.sentAt);
  }

  // ---------------------------------------------------------------- API keys

  override async saveApiKey(key: ApiKey): Promise<void> {
    this.stmt(
      `INSERT INTO api_keys (id, hash, role, name, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, role = excluded.role, name = excluded.name,
         created_at = excluded.created_at, revoked_at = excluded.revoked_at`,
    ).run(key.id, key.hash, key.role, key.name, key.createdAt, key.revokedAt ?? null);
  }

  override async getApiKey(id: string): Promise<ApiKey | null> {
    return this.oneApiKey('SELECT * FROM api_keys WHERE id = ?', id);
  }

  override async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    return this.oneApiKey('SELECT * FROM api_keys WHERE hash = ?', hash);
  }

  override async listApiKeys(): Promise<ApiKey[]> {
    return (this.stmt('SELECT * FROM api_keys ORDER BY created_at, id').all() as ApiKeyRow[]).map(apiKeyFromRow);
  }

  private oneApiKey(sql: string, value: string): ApiKey | null {
    const row = this.stmt(sql).get(value) as ApiKeyRow | undefined;
    return row ? apiKeyFromRow(row) : null;
  }

  // ---------------------------------------------------------------- plumbing

  private conn(): Database {
    if (this.db === undefined) throw new Error('SqliteSearchIndex is not initialised (call init())');
    return this.db;
  }

  /** Prepared statements, cached by SQL text (compiled queries of the same shape share one). */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.clear();
      s = this.conn().prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
