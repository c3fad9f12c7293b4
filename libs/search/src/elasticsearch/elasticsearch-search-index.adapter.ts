/**
 * The Elasticsearch `SearchIndex` (Elasticsearch 9, @elastic/elasticsearch 9.4). The only place
 * that imports the client.
 *
 * - Documents live in versioned indices `${prefix}-documents-v${n}` (template with explicit
 *   mappings, see ./mappings) reached through `${prefix}-documents-read` and `-write` aliases.
 *   `reindex()` builds version n + 1 and swaps the aliases atomically, with no downtime.
 * - Writes use `refresh: 'wait_for'`, so a read after a write sees it (the conformance suite
 *   relies on it). Bulk writes are chunked, 429s retried with backoff, per-item failures reported.
 * - Search: the AST compiled by ./dsl-compiler as a filter, scored by its positive text leaves
 *   (title^10, summary^4, body^1 over BM25). `date` sort pages with `search_after` on
 *   (publishedMs, id) inside a point in time opened when a second page exists; an expired point
 *   in time degrades to a fresh read with the same keyset (still stable under inserts).
 *   `relevance` pages are offsets (from/size), as in the SQLite adapter.
 * - Snippets are Elasticsearch highlights (`encoder: html`, `<mark>`), the best fragment of
 *   summary, body or title; a filter-only hit gets the shared plain excerpt.
 * - Subscriptions are percolator documents in `${prefix}-subscriptions` whose query is compiled
 *   by the same compiler; pending and unsubscribed ones are filtered out by status. A query with
 *   a relative date (`now-7d`) cannot be frozen into a percolator, so those few are matched in
 *   memory by the shared evaluator.
 * - Alerts and deliveries have their own indices; alert updates use optimistic concurrency.
 */
import { createHash } from 'node:crypto';
import { Client, type estypes } from '@elastic/elasticsearch';
import {
  parseQuery,
  type Alert,
  type AlertState,
  type ApiKey,
  type QueryNode,
  type RadarDocument,
  type Subscription,
  type Feedback,
  type FeedbackFilter,
} from '@radar/core';
import { fillBuckets, histogramTimeZone } from '../histogram';
import {
  FACET_NAMES,
  SearchIndex,
  type AlertFilter,
  type AlertPage,
  type BulkUpsertItem,
  type Delivery,
  type FacetName,
  type HistogramBucket,
  type SearchHit,
  type SearchRequest,
  type SearchResult,
  type SubscriptionFilter,
  type UpsertOptions,
  type UpsertOutcome,
} from '../search-index.port';
import { SubscriptionMatcher, parseSubscriptionQuery } from '../subscription-matcher';
import { decodeCursor, encodeCursor, pageLimit, type Cursor } from '../sqlite/cursor';
import { keywordValue, sortableInstant } from '../sqlite/fts-compiler';
import { mergeAlert } from '../alert-merge';
import type { DocumentVersion } from '@radar/core';
import { versionHistory, versionOf } from '../document-versions';
import { buildSnippet, SNIPPET_LENGTH } from '../sqlite/snippet';
import { bulkWrite, type BulkItemResult, type BulkOperation, type BulkOptions } from './bulk';
import { compileQuery, MATCH_NONE, rankingQuery, searchQuery } from './dsl-compiler';
import {
  alertKeysIndex,
  alertsIndex,
  apiKeysIndex,
  documentVersionsIndex,
  deliveriesIndex,
  feedbackIndex,
  documentsIndexVersion,
  documentsTemplate,
  indexNames,
  subscriptionsIndex,
  KEYWORD_INDEX_FIELD,
  SUBSCRIPTION_TARGET_FIELDS,
  type IndexNames,
} from './mappings';
import { listAlertsMatching } from '../alert-query';

export interface ElasticsearchSearchIndexOptions {
  /** Cluster URL, e.g. http://127.0.0.1:9200. */
  node: string;
  /** Index name prefix (default `radar`). */
  indexPrefix?: string;
  /** A ready client (tests inject one wired to @elastic/elasticsearch-mock). */
  client?: Client;
  /** Bulk chunking and retry settings. */
  bulk?: Omit<BulkOptions, 'refresh'>;
}

const FACET_LIMIT = 20;
const PIT_KEEP_ALIVE = '2m';
const PAGE = 1000;

/** The stored form of a document: searchable fields plus the rest of the document. */
export interface EsDocumentSource {
  id: string;
  contentHash: string;
  title: string;
  summary: string;
  body: string;
  publishedAt?: string;
  publishedMs: number;
  sector: string[];
  area: string[];
  goal: string[];
  type: string[];
  agency: string[];
  source: string[];
  event: string[];
  priority: string[];
  doc?: Omit<RadarDocument, 'title' | 'summary' | 'body'>;
}

type EsHit = estypes.SearchHit<EsDocumentSource>;

const strings = (values: readonly (string | undefined)[] | undefined): string[] =>
  (values ?? []).filter((v): v is string => typeof v === 'string' && v !== '');

/** The searchable fields of a document (also the percolated document). */
export function searchableFields(doc: RadarDocument): EsDocumentSource {
  const instant = sortableInstant(doc.publishedAt);
  const out: EsDocumentSource = {
    id: doc.id,
    contentHash: doc.contentHash,
    title: doc.title ?? '',
    summary: doc.summary ?? '',
    body: doc.body ?? '',
    publishedMs: instant === null ? -1 : Date.parse(instant),
    sector: strings(doc.subSectors?.map((t) => t.id)),
    area: strings(doc.focusAreas),
    goal: strings(doc.advocacyGoals?.map((t) => t.id)),
    type: strings([doc.docType]),
    agency: strings(doc.agencies),
    source: strings([doc.sourceId]),
    event: strings(doc.policyEvents?.map((e) => e.kind)),
    priority: strings([doc.priority]),
  };
  if (instant !== null) out.publishedAt = instant;
  return out;
}

export function toSource(doc: RadarDocument): EsDocumentSource {
  const { title: _t, summary: _s, body: _b, ...rest } = doc;
  return { ...searchableFields(doc), doc: rest };
}

export function fromSource(source: EsDocumentSource): RadarDocument {
  return {
    ...(source.doc as Omit<RadarDocument, 'title' | 'summary' | 'body'>),
    title: source.title,
    summary: source.summary,
    body: source.body,
  };
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { meta?: { statusCode?: number } } | null)?.meta?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorType(err: unknown): string | undefined {
  const body = (err as { meta?: { body?: { error?: { type?: string } } } } | null)?.meta?.body;
  return body?.error?.type;
}

/** A subscription query whose meaning moves with the clock (`published:>now-7d`). */
export function isRelativeQuery(query: string): boolean {
  try {
    const a = parseQuery(query, { now: new Date(Date.UTC(2000, 0, 1)) });
    const b = parseQuery(query, { now: new Date(Date.UTC(2001, 0, 1)) });
    return JSON.stringify(a) !== JSON.stringify(b);
  } catch {
    return false;
  }
}

/** The percolator query of a subscription: never-matching when it does not parse. */
export function percolatorQuery(query: string): estypes.QueryDslQueryContainer {
  const ast = parseSubscriptionQuery(query);
  return ast === null ? MATCH_NONE : compileQuery(ast);
}

const countMarks = (s: string): number => s.split('<mark>').length - 1;

/** Versions `listDocumentVersions` reads back, newest first (older ones stay stored). */
const MAX_VERSIONS = 1000;

/** The id of one kept version of a document in the versions index. */
export function documentVersionId(documentId: string, version: number): string {
  return `${documentId}.v${version}`;
}

/**
 * The id of a collapse key's claim: a hash of the key (keys hold URLs and titles: slashes,
 * any script, up to hundreds of bytes; an id is at most 512 bytes and travels in the path).
 * The key itself is in the claim's source.
 */
export function alertKeyDocId(key: string): string {
  return `k-${createHash('sha256').update(key).digest('hex')}`;
}

export class ElasticsearchSearchIndex extends SearchIndex {
  readonly client: Client;
  readonly names: IndexNames;
  private readonly ownsClient: boolean;
  private readonly bulkOptions: Omit<BulkOptions, 'refresh'>;

  constructor(options: ElasticsearchSearchIndexOptions) {
    super();
    this.names = indexNames(options.indexPrefix ?? 'radar');
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new Client({ node: options.node });
    this.bulkOptions = options.bulk ?? {};
  }

  // ---------------------------------------------------------------- lifecycle

  override async init(): Promise<void> {
    await this.client.indices.putIndexTemplate(documentsTemplate(this.names));
    const exists = await this.client.indices.existsAlias({ name: this.names.documentsWrite });
    if (!exists) {
      await this.createIfMissing({
        index: this.names.documentsVersion(1),
        aliases: { [this.names.documentsRead]: {}, [this.names.documentsWrite]: { is_write_index: true } },
      });
    }
    if (!(await this.createIfMissing(subscriptionsIndex(this.names)))) {
      // An index created before webhook subscriptions: add the field (adding one is allowed).
      await this.client.indices.putMapping({
        index: this.names.subscriptions,
        properties: { subscription: { type: 'object', dynamic: false, properties: SUBSCRIPTION_TARGET_FIELDS } },
      });
    }
    await this.createIfMissing(alertsIndex(this.names));
    await this.createIfMissing(deliveriesIndex(this.names));
    await this.createIfMissing(feedbackIndex(this.names));
    await this.createIfMissing(documentVersionsIndex(this.names));
    await this.createIfMissing(alertKeysIndex(this.names));
    await this.createIfMissing(apiKeysIndex(this.names));
  }

  /** True when this call created the index. */
  private async createIfMissing(req: estypes.IndicesCreateRequest): Promise<boolean> {
    if (await this.client.indices.exists({ index: req.index })) return false;
    try {
      await this.client.indices.create(req);
      return true;
    } catch (err) {
      if (errorType(err) !== 'resource_already_exists_exception') throw err;
      return false;
    }
  }

  override async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  /** Deletes every index and the template of this prefix (tests and teardown only). */
  async deleteEverything(): Promise<void> {
    await this.client.indices.delete({ index: this.names.documentVersions, ignore_unavailable: true });
    const versions = await this.documentIndices();
    const all = [
      ...versions,
      this.names.subscriptions,
      this.names.alerts,
      this.names.deliveries,
      this.names.feedback,
      this.names.alertKeys,
      this.names.apiKeys,
    ];
    await this.client.indices.delete({ index: all, ignore_unavailable: true });
    try {
      await this.client.indices.deleteIndexTemplate({ name: this.names.documentsTemplate });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  /** Every versioned documents index of this prefix. */
  private async documentIndices(): Promise<string[]> {
    const res = await this.client.indices.get({ index: this.names.documentsPattern, allow_no_indices: true });
    return Object.keys(res).filter((i) => !Number.isNaN(documentsIndexVersion(this.names, i)));
  }

  /** The concrete index behind an alias. */
  private async aliasTarget(alias: string): Promise<string> {
    const res = await this.client.indices.getAlias({ name: alias });
    const indices = Object.keys(res);
    if (indices.length !== 1)
      throw new Error(`Alias ${alias} points to ${indices.length} indices: ${indices.join(', ')}`);
    return indices[0];
  }

  // ---------------------------------------------------------------- documents

  override async upsertDocument(doc: RadarDocument, options: UpsertOptions = {}): Promise<UpsertOutcome> {
    const [item] = await this.upsertDocuments([doc], options);
    if (item.outcome === 'failed') throw new Error(`Indexing document ${doc.id} failed: ${item.error}`);
    return item.outcome;
  }

  override async upsertDocuments(
    docs: readonly RadarDocument[],
    options: UpsertOptions = {},
  ): Promise<BulkUpsertItem[]> {
    if (docs.length === 0) return [];
    const out: BulkUpsertItem[] = [];
    for (let start = 0; start < docs.length; start += PAGE) {
      out.push(...(await this.upsertChunk(docs.slice(start, start + PAGE), options.force ?? false)));
    }
    return out;
  }

  private async upsertChunk(docs: readonly RadarDocument[], force: boolean): Promise<BulkUpsertItem[]> {
    const ids = [...new Set(docs.map((d) => d.id))];
    const stored = await this.client.mget<{ contentHash: string }>({
      index: this.names.documentsWrite,
      ids,
      _source_includes: ['contentHash'],
    });
    const hashes = new Map<string, string | undefined>();
    for (const d of stored.docs) {
      if ('found' in d && d.found && d._source) hashes.set(d._id, d._source.contentHash);
    }
    // Outcomes in input order, each judged against the stored or an earlier copy; only the
    // last copy of each id is written. A content change replaces a version: the stored document
    // (`stored`) or an earlier copy in this chunk (its index).
    const latest = new Map<string, number>();
    const changes: { at: number; replaces: number | 'stored' }[] = [];
    const outcomes: UpsertOutcome[] = docs.map((doc, i) => {
      const known = hashes.get(doc.id);
      const outcome: UpsertOutcome = !hashes.has(doc.id)
        ? 'created'
        : known === doc.contentHash && !force
          ? 'unchanged'
          : 'updated';
      if (outcome === 'updated' && known !== doc.contentHash) {
        changes.push({ at: i, replaces: latest.get(doc.id) ?? 'stored' });
      }
      if (outcome !== 'unchanged') latest.set(doc.id, i);
      hashes.set(doc.id, doc.contentHash);
      return outcome;
    });
    // Replaced versions are kept first, in a request of their own: a document is written only
    // once the version it replaces is safe, so no stored document ever lacks its history. (A
    // kept version whose document write then fails is numbered at the stored version and is
    // ignored on reading, then rewritten identically by the retry.)
    const failure = await this.keepReplacedVersions(docs, changes);
    const lastIndex = new Map<string, number>();
    docs.forEach((doc, i) => {
      if (outcomes[i] !== 'unchanged' && !failure.has(doc.id)) lastIndex.set(doc.id, i);
    });
    const ops: BulkOperation[] = [...lastIndex.values()].map((i) => ({
      action: 'index',
      index: this.names.documentsWrite,
      id: docs[i].id,
      document: toSource(docs[i]),
    }));
    const results = ops.length > 0 ? await this.bulk(ops, 'wait_for') : [];
    results.forEach((r, k) => {
      if (!r.ok) failure.set(ops[k].id, r.error);
    });
    return docs.map((doc, i) => {
      const error = failure.get(doc.id);
      return error !== undefined ? { id: doc.id, outcome: 'failed', error } : { id: doc.id, outcome: outcomes[i] };
    });
  }

  /** Writes the versions the changes replace; returns the ids whose version could not be kept. */
  private async keepReplacedVersions(
    docs: readonly RadarDocument[],
    changes: readonly { at: number; replaces: number | 'stored' }[],
  ): Promise<Map<string, string>> {
    const failure = new Map<string, string>();
    if (changes.length === 0) return failure;
    const storedIds = [...new Set(changes.filter((c) => c.replaces === 'stored').map((c) => docs[c.at].id))];
    const stored = storedIds.length > 0 ? await this.documentsById(this.names.documentsWrite, storedIds) : new Map();
    const ops: BulkOperation[] = [];
    const owners: string[] = [];
    for (const change of changes) {
      const previous = change.replaces === 'stored' ? stored.get(docs[change.at].id) : docs[change.replaces];
      if (previous === undefined) continue; // deleted meanwhile: nothing to keep
      owners.push(previous.id);
      ops.push({
        action: 'index',
        index: this.names.documentVersions,
        id: documentVersionId(previous.id, previous.version),
        document: { documentId: previous.id, ...versionOf(previous) },
      });
    }
    const results = ops.length > 0 ? await this.bulk(ops, false) : [];
    results.forEach((r, k) => {
      if (!r.ok) failure.set(owners[k], `keeping the replaced version failed: ${r.error}`);
    });
    return failure;
  }

  /** Documents by id (realtime `mget`), the unknown ones left out. */
  private async documentsById(index: string, ids: readonly string[]): Promise<Map<string, RadarDocument>> {
    const out = new Map<string, RadarDocument>();
    for (let start = 0; start < ids.length; start += PAGE) {
      const res = await this.client.mget<EsDocumentSource>({ index, ids: ids.slice(start, start + PAGE) });
      for (const d of res.docs) {
        if ('found' in d && d.found && d._source) out.set(d._id, fromSource(d._source));
      }
    }
    return out;
  }

  private bulk(ops: readonly BulkOperation[], refresh: estypes.Refresh): Promise<BulkItemResult[]> {
    return bulkWrite(this.client, ops, { ...this.bulkOptions, refresh });
  }

  override async getDocument(id: string): Promise<RadarDocument | null> {
    try {
      const res = await this.client.get<EsDocumentSource>({ index: this.names.documentsRead, id });
      return res.found && res._source ? fromSource(res._source) : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  override async getDocuments(ids: readonly string[]): Promise<(RadarDocument | null)[]> {
    if (ids.length === 0) return [];
    const found = await this.documentsById(this.names.documentsRead, [...new Set(ids)]);
    return ids.map((id) => found.get(id) ?? null);
  }

  /**
   * The document first, then its kept versions: a crash in between leaves unreachable versions
   * (ignored on reading: a document of the same id starts again at version 1, and each of its
   * content changes rewrites the version it replaces before it is itself written).
   */
  override async deleteDocument(id: string): Promise<boolean> {
    const current = await this.getDocument(id);
    let deleted: boolean;
    try {
      const res = await this.client.delete({ index: this.names.documentsWrite, id, refresh: 'wait_for' });
      deleted = res.result === 'deleted';
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
    if (current && current.version > 1) {
      const ops: BulkOperation[] = [];
      for (let v = 1; v < current.version; v++) {
        ops.push({ action: 'delete', index: this.names.documentVersions, id: documentVersionId(id, v) });
      }
      await this.bulk(ops, false);
    }
    return deleted;
  }

  /** The current version from the document, the earlier ones by id (realtime), newest first. */
  override async listDocumentVersions(id: string): Promise<DocumentVersion[]> {
    const current = await this.getDocument(id);
    if (!current) return [];
    const oldest = Math.max(1, current.version - MAX_VERSIONS + 1);
    const ids: string[] = [];
    for (let v = current.version - 1; v >= oldest; v--) ids.push(documentVersionId(id, v));
    const earlier: DocumentVersion[] = [];
    for (let start = 0; start < ids.length; start += PAGE) {
      const res = await this.client.mget<DocumentVersion & { documentId: string }>({
        index: this.names.documentVersions,
        ids: ids.slice(start, start + PAGE),
      });
      for (const d of res.docs) {
        if ('found' in d && d.found && d._source) {
          const { documentId: _id, ...version } = d._source;
          earlier.push(version);
        }
      }
    }
    return versionHistory(current, earlier);
  }

  override async count(query?: QueryNode): Promise<number> {
    const res = await this.client.count({
      index: this.names.documentsRead,
      query: compileQuery(query ?? { kind: 'all' }),
    });
    return res.count;
  }

  override async *streamDocuments(batchSize = 500): AsyncIterable<RadarDocument[]> {
    yield* this.streamIndex(this.names.documentsRead, batchSize);
  }

  /** Every document of an index (or alias), by id, inside one point in time. */
  private async *streamIndex(index: string, batchSize: number): AsyncIterable<RadarDocument[]> {
    const size = Math.min(10_000, Math.max(1, Math.floor(batchSize)));
    const pit = await this.client.openPointInTime({ index, keep_alive: PIT_KEEP_ALIVE });
    let pitId = pit.id;
    try {
      let after: estypes.SortResults | undefined;
      for (;;) {
        const res = await this.client.search<EsDocumentSource>({
          pit: { id: pitId, keep_alive: PIT_KEEP_ALIVE },
          size,
          sort: [{ id: 'asc' }],
          track_total_hits: false,
          ...(after ? { search_after: after } : {}),
        });
        pitId = res.pit_id ?? pitId;
        const hits = res.hits.hits;
        if (hits.length === 0) return;
        after = hits[hits.length - 1].sort;
        yield hits.map((h) => fromSource(h._source as EsDocumentSource));
        if (hits.length < size) return;
      }
    } finally {
      await this.closePit(pitId);
    }
  }

  private async closePit(id: string): Promise<void> {
    try {
      await this.client.closePointInTime({ id });
    } catch {
      // Best effort: an unclosed point in time expires after its keep-alive.
    }
  }

  /**
   * Builds the next documents index version from the stored documents and swaps the aliases,
   * with no downtime: the write alias moves first (new writes land in the new index), the copy
   * uses `create` (a document written meanwhile is newer and wins), then the read alias moves
   * atomically and the old index is deleted. Returns documents copied.
   */
  override async reindex(): Promise<number> {
    const oldIndex = await this.aliasTarget(this.names.documentsRead);
    const versions = (await this.documentIndices()).map((i) => documentsIndexVersion(this.names, i));
    const next = this.names.documentsVersion(Math.max(0, ...versions) + 1);
    await this.client.indices.create({ index: next });
    const writeTarget = await this.aliasTarget(this.names.documentsWrite);
    await this.client.indices.updateAliases({
      actions: [
        { remove: { index: writeTarget, alias: this.names.documentsWrite } },
        { add: { index: next, alias: this.names.documentsWrite, is_write_index: true } },
      ],
    });
    let copied = 0;
    for await (const batch of this.streamIndex(oldIndex, PAGE)) {
      const ops: BulkOperation[] = batch.map((doc) => ({
        action: 'create',
        index: next,
        id: doc.id,
        document: toSource(doc),
      }));
      const results = await this.bulk(ops, false);
      results.forEach((r, i) => {
        if (r.ok || r.status === 409) copied++;
        else throw new Error(`Reindex into ${next} failed at document ${ops[i].id}: ${r.error}`);
      });
    }
    await this.client.indices.refresh({ index: next });
    await this.client.indices.updateAliases({
      actions: [
        { remove: { index: oldIndex, alias: this.names.documentsRead } },
        { add: { index: next, alias: this.names.documentsRead } },
      ],
    });
    await this.client.indices.delete({ index: oldIndex });
    return copied;
  }

  // ---------------------------------------------------------------- search

  override async search(req: SearchRequest): Promise<SearchResult> {
    const sort = req.sort ?? 'relevance';
    const limit = pageLimit(req.limit);
    const body: estypes.SearchRequest = {
      query: searchQuery(req.query),
      size: limit + 1,
      track_total_hits: true,
      aggs: this.aggregations(req),
    };
    const highlight = this.highlight(req.query);
    if (highlight) body.highlight = highlight;

    let page: { res: estypes.SearchResponse<EsDocumentSource>; hits: EsHit[]; nextCursor: string | undefined };
    if (sort === 'date') {
      const after = req.cursor ? decodeCursor(req.cursor, 'date') : undefined;
      body.sort = [{ publishedMs: 'desc' }, { id: 'desc' }];
      body.track_scores = true;
      if (after) body.search_after = [Number(after.p), after.i];
      page = await this.pageInPit(body, after?.pit, limit, (last, pit) => {
        const [ms, id] = last.sort as [number, string];
        return { k: 'date', p: String(ms), i: id, pit };
      });
    } else {
      // Offsets into one point in time: documents indexed between pages neither appear nor shift
      // the pages (only in the moment between the first page and opening its point in time).
      const after = req.cursor ? decodeCursor(req.cursor, 'rel') : undefined;
      const offset = after?.o ?? 0;
      body.sort = [{ _score: { order: 'desc' } }, { publishedMs: { order: 'desc' } }, { id: { order: 'asc' } }];
      body.from = offset;
      page = await this.pageInPit(body, after?.pit, limit, (_, pit) => ({ k: 'rel', o: offset + limit, pit }));
    }
    const { res, hits, nextCursor } = page;

    const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
    const result: SearchResult = {
      total,
      hits: hits.map((h) => this.toHit(h)),
      facets: this.facetsOf(req, res.aggregations),
    };
    if (nextCursor !== undefined) result.nextCursor = nextCursor;
    if (req.histogram) result.histogram = this.histogramOf(req, res.aggregations);
    return result;
  }

  /**
   * One page, read inside the cursor's point in time (a fresh read without one). When more pages
   * follow, the next cursor reads the same point in time, opened after a first page; after the
   * last page it is closed.
   */
  private async pageInPit(
    body: estypes.SearchRequest,
    pitId: string | undefined,
    limit: number,
    cursorAfter: (last: EsHit, pit: string) => Cursor,
  ): Promise<{ res: estypes.SearchResponse<EsDocumentSource>; hits: EsHit[]; nextCursor: string | undefined }> {
    const res = await this.searchMaybeInPit(body, pitId);
    let pit = pitId === undefined ? undefined : (res.pit_id ?? pitId);
    let hits = res.hits.hits;
    let nextCursor: string | undefined;
    if (hits.length > limit) {
      hits = hits.slice(0, limit);
      pit ??= (await this.client.openPointInTime({ index: this.names.documentsRead, keep_alive: PIT_KEEP_ALIVE })).id;
      nextCursor = encodeCursor(cursorAfter(hits[hits.length - 1], pit));
    } else if (pit !== undefined) {
      await this.closePit(pit);
    }
    return { res, hits, nextCursor };
  }

  /** Searches inside the cursor's point in time; an expired one degrades to a fresh read. */
  private async searchMaybeInPit(
    body: estypes.SearchRequest,
    pitId: string | undefined,
  ): Promise<estypes.SearchResponse<EsDocumentSource>> {
    if (pitId !== undefined) {
      try {
        return await this.client.search<EsDocumentSource>({ ...body, pit: { id: pitId, keep_alive: PIT_KEEP_ALIVE } });
      } catch (err) {
        const status = statusOf(err);
        if (status !== 404 && status !== 400) throw err;
      }
    }
    return this.client.search<EsDocumentSource>({ index: this.names.documentsRead, ...body });
  }

  private aggregations(req: SearchRequest): Record<string, estypes.AggregationsAggregationContainer> {
    const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
    for (const name of new Set(req.facets ?? [])) {
      if (!(FACET_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown facet: ${String(name)}`);
      aggs[`facet_${name}`] = {
        terms: {
          field: KEYWORD_INDEX_FIELD[name],
          size: FACET_LIMIT,
          shard_size: 200,
          order: [{ _count: 'desc' }, { _key: 'asc' }],
        },
      };
    }
    if (req.histogram) {
      aggs.histogram = {
        date_histogram: {
          field: 'publishedAt',
          calendar_interval: req.histogram.interval,
          time_zone: histogramTimeZone(req.histogram),
          format: 'yyyy-MM-dd',
          min_doc_count: 0,
        },
      };
    }
    return aggs;
  }

  private facetsOf(
    req: SearchRequest,
    aggs: Record<string, estypes.AggregationsAggregate> | undefined,
  ): SearchResult['facets'] {
    const out: SearchResult['facets'] = {};
    for (const name of new Set<FacetName>(req.facets ?? [])) {
      const agg = aggs?.[`facet_${name}`] as estypes.AggregationsStringTermsAggregate | undefined;
      const buckets = (agg?.buckets ?? []) as estypes.AggregationsStringTermsBucket[];
      out[name] = buckets.map((b) => ({ value: String(b.key), count: b.doc_count }));
    }
    return out;
  }

  private histogramOf(
    req: SearchRequest,
    aggs: Record<string, estypes.AggregationsAggregate> | undefined,
  ): HistogramBucket[] {
    const agg = aggs?.histogram as estypes.AggregationsDateHistogramAggregate | undefined;
    const buckets = (agg?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[];
    const nonEmpty = buckets
      .filter((b) => b.doc_count > 0)
      .map((b): [string, number] => [String(b.key_as_string), b.doc_count]);
    return fillBuckets(new Map(nonEmpty), req.histogram?.interval ?? 'day');
  }

  private highlight(query: QueryNode): estypes.SearchHighlight | undefined {
    const rank = rankingQuery(query);
    if (rank === null) return undefined;
    const fragment = { fragment_size: SNIPPET_LENGTH, number_of_fragments: 1 };
    return {
      type: 'unified',
      encoder: 'html',
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      highlight_query: rank,
      require_field_match: true,
      fields: { summary: fragment, body: fragment, title: { number_of_fragments: 0 } },
    };
  }

  private toHit(hit: estypes.SearchHit<EsDocumentSource>): SearchHit {
    const document = fromSource(hit._source as EsDocumentSource);
    let snippet = '';
    let best = 0;
    for (const field of ['summary', 'body', 'title']) {
      const fragment = hit.highlight?.[field]?.[0];
      if (fragment !== undefined && countMarks(fragment) > best) {
        best = countMarks(fragment);
        snippet = fragment.trim();
      }
    }
    if (best === 0) snippet = buildSnippet(document, []);
    return { document, score: typeof hit._score === 'number' ? hit._score : 0, snippet };
  }

  // ---------------------------------------------------------------- subscriptions

  override async saveSubscription(sub: Subscription): Promise<void> {
    await this.client.index({
      index: this.names.subscriptions,
      id: sub.id,
      document: { subscription: sub, percolate: percolatorQuery(sub.query), relative: isRelativeQuery(sub.query) },
      refresh: 'wait_for',
    });
  }

  override async getSubscription(id: string): Promise<Subscription | null> {
    try {
      const res = await this.client.get<{ subscription: Subscription }>({ index: this.names.subscriptions, id });
      return res.found && res._source ? res._source.subscription : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  override async deleteSubscription(id: string): Promise<boolean> {
    try {
      const res = await this.client.delete({ index: this.names.subscriptions, id, refresh: 'wait_for' });
      return res.result === 'deleted';
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }

  override async listSubscriptions(filter: SubscriptionFilter = {}): Promise<Subscription[]> {
    const conds: estypes.QueryDslQueryContainer[] = [];
    if (filter.email !== undefined) conds.push({ term: { 'subscription.email': filter.email } });
    if (filter.status !== undefined) conds.push({ term: { 'subscription.status': filter.status } });
    if (filter.channel === 'webhook') conds.push({ term: { 'subscription.target.kind': 'webhook' } });
    if (filter.channel === 'email') {
      conds.push({ bool: { must_not: [{ exists: { field: 'subscription.target.kind' } }] } });
    }
    return this.allSubscriptions({ bool: { filter: conds } }, [
      { 'subscription.createdAt': 'asc' },
      { 'subscription.id': 'asc' },
    ]);
  }

  override async findSubscriptionByEmailAndQuery(email: string, query: string): Promise<Subscription | null> {
    return this.firstSubscription([
      { term: { 'subscription.email': email } },
      { term: { 'subscription.query': query } },
    ]);
  }

  override async findSubscriptionByToken(kind: 'confirm' | 'unsubscribe', token: string): Promise<Subscription | null> {
    const field = kind === 'confirm' ? 'subscription.confirmToken' : 'subscription.unsubscribeToken';
    return this.firstSubscription([{ term: { [field]: token } }]);
  }

  private async firstSubscription(filter: estypes.QueryDslQueryContainer[]): Promise<Subscription | null> {
    const res = await this.client.search<{ subscription: Subscription }>({
      index: this.names.subscriptions,
      query: { bool: { filter } },
      sort: [{ 'subscription.createdAt': 'asc' }, { 'subscription.id': 'asc' }],
      size: 1,
      _source: ['subscription'],
    });
    return res.hits.hits[0]?._source?.subscription ?? null;
  }

  /** Every subscription a query finds, paged with search_after. */
  private async allSubscriptions(
    query: estypes.QueryDslQueryContainer,
    sort: estypes.Sort = [{ 'subscription.id': 'asc' }],
  ): Promise<Subscription[]> {
    const out: Subscription[] = [];
    let after: estypes.SortResults | undefined;
    for (;;) {
      const res = await this.client.search<{ subscription: Subscription }>({
        index: this.names.subscriptions,
        query,
        sort,
        size: PAGE,
        _source: ['subscription'],
        track_total_hits: false,
        ...(after ? { search_after: after } : {}),
      });
      const hits = res.hits.hits;
      for (const h of hits) if (h._source) out.push(h._source.subscription);
      if (hits.length < PAGE) return out;
      after = hits[hits.length - 1].sort;
    }
  }

  override async matchSubscriptions(doc: RadarDocument): Promise<Subscription[]> {
    const confirmed: estypes.QueryDslQueryContainer = { term: { 'subscription.status': 'confirmed' } };
    const [percolated, relative] = await Promise.all([
      this.allSubscriptions({
        bool: {
          filter: [
            confirmed,
            { term: { relative: false } },
            { percolate: { field: 'percolate', document: searchableFields(doc) } },
          ],
        },
      }),
      this.allSubscriptions({ bool: { filter: [confirmed, { term: { relative: true } }] } }),
    ]);
    const matched = [...percolated, ...new SubscriptionMatcher(relative).match(doc)];
    return matched.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  // ---------------------------------------------------------------- alerts

  override async upsertAlert(alert: Alert): Promise<UpsertOutcome> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.getAlertVersioned(alert.id);
      const next = mergeAlert(alert, existing?.alert ?? null);
      if (next === null) return 'unchanged';
      try {
        await this.writeAlert(next, existing);
        return existing ? 'updated' : 'created';
      } catch (err) {
        if (statusOf(err) !== 409 || attempt >= 5) throw err;
      }
    }
  }

  /**
   * Claims are documents in the alert-keys index, created with `op_type: create` (the first
   * claim of a key wins; realtime `mget` sees claims without a refresh). Elasticsearch has no
   * multi-document transaction, so:
   * - a document already attached (its own key `keys[0]` claimed) returns that alert at once;
   * - otherwise the other keys are created one at a time in sorted order: two workers whose
   *   documents share keys contend first on the smallest shared key, and the loser (a 409) reads
   *   again and adopts the winner's alert, re-pointing the keys it had just created for its own
   *   candidate (no one else can hold those yet: they are its document's keys below the shared
   *   one). The document's own key is claimed last, once the alert is settled.
   * A race of three or more documents with partly overlapping keys can still end in two alerts
   * (never in a lost alert, nor in two emails for one alert).
   */
  override async claimAlertKeys(alertId: string, keys: readonly string[]): Promise<string> {
    if (keys.length === 0) return alertId;
    const [own, ...rest] = keys;
    const identity = [...new Set(rest)].filter((k) => k !== own).sort();
    const created = new Map<string, { seqNo: number; primaryTerm: number }>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const found = await this.readAlertKeys([own!, ...identity]);
      const attached = found.get(own!);
      if (attached) {
        await this.createAlertKeys(
          identity.filter((k) => !found.has(k)),
          attached.alertId,
          true,
        );
        return attached.alertId;
      }
      // Claims made by another worker outrank the ones this call just made for its candidate.
      const foreign = [...found.entries()]
        .filter(([k]) => !created.has(k))
        .map(([, v]) => v)
        .sort((a, b) => a.claimedAt.localeCompare(b.claimedAt) || a.alertId.localeCompare(b.alertId));
      const winner = foreign[0]?.alertId ?? alertId;
      for (const [key, version] of created) {
        if (found.get(key)?.alertId === winner) continue;
        const res = await this.client.index({
          index: this.names.alertKeys,
          id: alertKeyDocId(key),
          document: { key, alertId: winner, claimedAt: new Date().toISOString() },
          if_seq_no: version.seqNo,
          if_primary_term: version.primaryTerm,
        });
        created.set(key, { seqNo: res._seq_no ?? 0, primaryTerm: res._primary_term ?? 1 });
      }
      const conflict = await this.createAlertKeys(
        identity.filter((k) => !found.has(k)),
        winner,
        false,
        created,
      );
      if (conflict) continue;
      await this.createAlertKeys([own!], winner, true);
      return winner;
    }
    throw new Error(`could not settle the alert of collapse keys ${keys.join(', ')} after 8 rounds`);
  }

  private async readAlertKeys(keys: readonly string[]): Promise<Map<string, { alertId: string; claimedAt: string }>> {
    const res = await this.client.mget<{ key: string; alertId: string; claimedAt: string }>({
      index: this.names.alertKeys,
      ids: keys.map(alertKeyDocId),
    });
    const out = new Map<string, { alertId: string; claimedAt: string }>();
    res.docs.forEach((d, i) => {
      if ('found' in d && d.found && d._source) {
        out.set(keys[i]!, { alertId: d._source.alertId, claimedAt: d._source.claimedAt });
      }
    });
    return out;
  }

  /**
   * Creates claims one by one, in order; stops at the first key another worker holds and returns
   * true (unless `ignoreConflicts`). Records each created claim's version in `created`.
   */
  private async createAlertKeys(
    keys: readonly string[],
    alertId: string,
    ignoreConflicts: boolean,
    created?: Map<string, { seqNo: number; primaryTerm: number }>,
  ): Promise<boolean> {
    for (const key of keys) {
      try {
        const res = await this.client.index({
          index: this.names.alertKeys,
          id: alertKeyDocId(key),
          document: { key, alertId, claimedAt: new Date().toISOString() },
          op_type: 'create',
        });
        created?.set(key, { seqNo: res._seq_no ?? 0, primaryTerm: res._primary_term ?? 1 });
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
        if (!ignoreConflicts) return true;
      }
    }
    return false;
  }

  override async setAlertState(id: string, state: AlertState, by?: string): Promise<Alert | null> {
    for (let attempt = 0; ; attempt++) {
      const existing = await this.getAlertVersioned(id);
      if (!existing) return null;
      const { stateChangedBy: _previous, ...rest } = existing.alert;
      const next: Alert = { ...rest, state, stateChangedAt: new Date().toISOString() };
      if (by !== undefined) next.stateChangedBy = by;
      try {
        await this.writeAlert(next, existing);
        return next;
      } catch (err) {
        if (statusOf(err) !== 409 || attempt >= 5) throw err;
      }
    }
  }

  private async writeAlert(next: Alert, existing: { seqNo: number; primaryTerm: number } | null): Promise<void> {
    await this.client.index({
      index: this.names.alerts,
      id: next.id,
      document: next,
      refresh: 'wait_for',
      ...(existing
        ? { if_seq_no: existing.seqNo, if_primary_term: existing.primaryTerm }
        : { op_type: 'create' as const }),
    });
  }

  private async getAlertVersioned(id: string): Promise<{ alert: Alert; seqNo: number; primaryTerm: number } | null> {
    try {
      const res = await this.client.get<Alert>({ index: this.names.alerts, id });
      if (!res.found || !res._source) return null;
      return { alert: res._source, seqNo: res._seq_no ?? 0, primaryTerm: res._primary_term ?? 1 };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  override async getAlert(id: string): Promise<Alert | null> {
    return (await this.getAlertVersioned(id))?.alert ?? null;
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
    const conds: estypes.QueryDslQueryContainer[] = [];
    const tag = (field: string, value: string | undefined): void => {
      if (value !== undefined) conds.push({ term: { [field]: keywordValue(value) } });
    };
    tag('subSectors', filter.sector);
    tag('focusAreas', filter.area);
    tag('advocacyGoals', filter.goal);
    const exact = (field: string, value: string | undefined): void => {
      if (value !== undefined) conds.push({ term: { [field]: value } });
    };
    exact('priority', filter.priority);
    exact('docType', filter.type);
    exact('state', filter.state);
    if (filter.since !== undefined) {
      const since = sortableInstant(filter.since);
      conds.push(since === null ? MATCH_NONE : { range: { createdAt: { gte: since } } });
    }
    const after = filter.cursor !== undefined ? decodeCursor(filter.cursor, 'alert') : undefined;
    const res = await this.client.search<Alert>({
      index: this.names.alerts,
      query: { bool: { filter: conds } },
      sort: [{ createdAt: 'desc' }, { id: 'desc' }],
      size: limit + 1,
      track_total_hits: false,
      ...(after ? { search_after: [Date.parse(after.c), after.i] } : {}),
    });
    const hits = res.hits.hits.slice(0, limit);
    const page: AlertPage = { alerts: hits.map((h) => h._source as Alert) };
    if (res.hits.hits.length > limit) {
      const last = hits[hits.length - 1];
      const [ms, id] = last.sort as [number, string];
      page.nextCursor = encodeCursor({ k: 'alert', c: new Date(ms).toISOString(), i: id });
    }
    return page;
  }

  // ---------------------------------------------------------------- deliveries

  override async getDelivery(id: string): Promise<Delivery | null> {
    try {
      const res = await this.client.get<Delivery>({ index: this.names.deliveries, id });
      return res.found && res._source ? res._source : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  // ---------------------------------------------------------------- feedback

  override async recordFeedback(feedback: Feedback): Promise<void> {
    await this.client.index({ index: this.names.feedback, id: feedback.id, document: feedback, refresh: 'wait_for' });
  }

  override async listFeedback(filter: FeedbackFilter): Promise<Feedback[]> {
    const terms: estypes.QueryDslQueryContainer[] = [];
    if (filter.documentId) terms.push({ term: { documentId: filter.documentId } });
    if (filter.label) terms.push({ term: { label: filter.label } });
    const res = await this.client.search<Feedback>({
      index: this.names.feedback,
      query: { bool: { filter: terms } },
      sort: [{ createdAt: 'asc' }, { id: 'asc' }],
      size: 10000,
    });
    return res.hits.hits.map((h) => h._source!).filter(Boolean);
  }

  override async recordDelivery(delivery: Delivery): Promise<void> {
    try {
      await this.client.index({
        index: this.names.deliveries,
        id: delivery.id,
        document: delivery,
        op_type: 'create',
        refresh: 'wait_for',
      });
    } catch (err) {
      if (statusOf(err) !== 409) throw err; // already recorded: the first one stands
    }
  }
  // ---------------------------------------------------------------- API keys

  override async saveApiKey(key: ApiKey): Promise<void> {
    await this.client.index({ index: this.names.apiKeys, id: key.id, document: key, refresh: 'wait_for' });
  }

  override async getApiKey(id: string): Promise<ApiKey | null> {
    try {
      const res = await this.client.get<ApiKey>({ index: this.names.apiKeys, id });
      return res.found && res._source ? res._source : null;
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  override async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    const res = await this.client.search<ApiKey>({
      index: this.names.apiKeys,
      query: { term: { hash } },
      size: 1,
    });
    return res.hits.hits[0]?._source ?? null;
  }

  override async listApiKeys(): Promise<ApiKey[]> {
    const res = await this.client.search<ApiKey>({
      index: this.names.apiKeys,
      query: { match_all: {} },
      sort: [{ createdAt: 'asc' }, { id: 'asc' }],
      size: 10000,
    });
    return res.hits.hits.map((h) => h._source!).filter(Boolean);
  }
}
