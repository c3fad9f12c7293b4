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
 * - Score: `-bm25(docs_fts, 10, 4, 1)` (title, summary, body weights) of the OR of the query's
 *   positive text leaves; documents that match only through keyword/range filters score 0.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Statement } from 'better-sqlite3';
import {
  matchesPrepared,
  parseQuery,
  prepareDocument,
  type Alert,
  type QueryNode,
  type RadarDocument,
  type Subscription,
} from '@radar/core';
import {
  FACET_NAMES,
  SearchIndex,
  type AlertFilter,
  type AlertPage,
  type Delivery,
  type FacetName,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
  type UpsertOutcome,
} from '../search-index.port';
import { decodeCursor, encodeCursor, pageLimit } from './cursor';
import {
  compileWhere,
  hasRange,
  keywordValue,
  rankingExpression,
  sortableInstant,
  type SqlFragment,
  type SqlValue,
} from './fts-compiler';
import { migrate } from './schema';
import { buildSnippet, highlightUnits } from './snippet';

export interface SqliteSearchIndexOptions {
  /** Database file; parent directories are created. `:memory:` works for throwaway use. */
  file: string;
  /** How long a writer waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

const FACET_LIMIT = 20;
/** bm25 column weights: title, summary, body. */
const BM25_WEIGHTS = '10.0, 4.0, 1.0';
/** Parsed subscription queries with a range are re-parsed after this long (relative `now`). */
const RANGE_QUERY_TTL_MS = 60_000;
const STATEMENT_CACHE_SIZE = 256;

type Prepared = ReturnType<typeof prepareDocument>;

interface CachedQuery {
  query: string;
  /** `null`: the stored query does not parse; it never matches. */
  ast: QueryNode | null;
  expiresAt: number;
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

/** JSON with object keys sorted, for "did anything change" comparisons. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]),
    );
  });
}

export class SqliteSearchIndex extends SearchIndex {
  private db: Database | undefined;
  private readonly statements = new Map<string, Statement>();
  private readonly subscriptionQueries = new Map<string, CachedQuery>();

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
        migrate(db);
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
    this.subscriptionQueries.clear();
    const db = this.db;
    this.db = undefined;
    if (db?.open) db.close();
  }

  // ---------------------------------------------------------------- documents

  override async upsertDocument(doc: RadarDocument): Promise<UpsertOutcome> {
    const db = this.conn();
    const write = db.transaction((): UpsertOutcome => {
      const existing = this.stmt('SELECT doc_key, content_hash FROM documents WHERE id = ?').get(doc.id) as
        { doc_key: number; content_hash: string } | undefined;
      if (existing && existing.content_hash === doc.contentHash) return 'unchanged';
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
    });
    return write.immediate();
  }

  override async getDocument(id: string): Promise<RadarDocument | null> {
    const row = this.stmt(
      'SELECT j.json FROM documents d JOIN document_json j ON j.doc_key = d.doc_key WHERE d.id = ?',
    ).get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as RadarDocument) : null;
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

  /**
   * Rebuild the derived state (full-text rows and keyword tags) from the stored documents.
   * Returns the number of documents reindexed.
   */
  async reindex(): Promise<number> {
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
    const where = compileWhere(req.query);
    const rank = rankingExpression(req.query);
    const db = this.conn();

    // One read transaction: total, page and facets see the same snapshot.
    const read = db.transaction(() => {
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
        const offset = req.cursor ? decodeCursor(req.cursor, 'rel').o : 0;
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
          nextCursor = encodeCursor({ k: 'rel', o: offset + limit });
        }
      }
      // The full documents of this page only (the sort ran over the narrow table).
      const json = this.stmt('SELECT json FROM document_json WHERE doc_key = ?');
      const page = rows.map((row) => ({
        score: row.score,
        document: JSON.parse((json.get(row.doc_key) as { json: string }).json) as RadarDocument,
      }));
      const facets = this.facets(where, req.facets ?? []);
      return { total, page, nextCursor, facets };
    });
    const { total, page, nextCursor, facets } = read.deferred();

    const units = highlightUnits(req.query);
    const hits: SearchHit[] = page.map(({ document, score }) => ({
      document,
      score,
      snippet: buildSnippet(document, units),
    }));
    const result: SearchResult = { total, hits, facets };
    if (nextCursor !== undefined) result.nextCursor = nextCursor;
    return result;
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
    this.subscriptionQueries.delete(sub.id);
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

  override async matchSubscriptions(doc: RadarDocument): Promise<Subscription[]> {
    const rows = this.stmt("SELECT json FROM subscriptions WHERE status = 'confirmed' ORDER BY id").all() as {
      json: string;
    }[];
    if (rows.length === 0) return [];
    const prepared: Prepared = prepareDocument(doc);
    const out: Subscription[] = [];
    for (const row of rows) {
      const sub = JSON.parse(row.json) as Subscription;
      const ast = this.subscriptionAst(sub);
      if (ast === null) continue;
      let matched = false;
      try {
        matched = matchesPrepared(ast, prepared);
      } catch {
        matched = false;
      }
      if (matched) out.push(sub);
    }
    return out;
  }

  /** The parsed query of a subscription, cached by id + query text; `null` if it does not parse. */
  private subscriptionAst(sub: Subscription): QueryNode | null {
    const now = Date.now();
    const cached = this.subscriptionQueries.get(sub.id);
    if (cached && cached.query === sub.query && cached.expiresAt > now) return cached.ast;
    let ast: QueryNode | null;
    try {
      ast = sub.query.trim() === '' ? { kind: 'all' } : parseQuery(sub.query);
    } catch {
      ast = null;
    }
    const expiresAt = ast !== null && hasRange(ast) ? now + RANGE_QUERY_TTL_MS : Number.POSITIVE_INFINITY;
    this.subscriptionQueries.set(sub.id, { query: sub.query, ast, expiresAt });
    return ast;
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
      let next = alert;
      if (row) {
        const existing = JSON.parse(row.json) as Alert;
        next = { ...alert, createdAt: existing.createdAt, state: existing.state };
        const strip = (a: Alert): Omit<Alert, 'updatedAt'> => {
          const { updatedAt: _ignored, ...rest } = a;
          return rest;
        };
        if (canonicalJson(strip(next)) === canonicalJson(strip(existing))) return 'unchanged';
      }
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

  override async getAlert(id: string): Promise<Alert | null> {
    const row = this.stmt('SELECT json FROM alerts WHERE id = ?').get(id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Alert) : null;
  }

  override async listAlerts(filter: AlertFilter): Promise<AlertPage> {
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
