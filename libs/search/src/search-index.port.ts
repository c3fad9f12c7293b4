import type {
  Alert,
  ApiKey,
  AlertState,
  DocType,
  DocumentVersion,
  Feedback,
  FeedbackFilter,
  Priority,
  QueryNode,
  RadarDocument,
  Subscription,
  SubscriptionStatus,
} from '@radar/core';

/**
 * A page cursor that does not decode, belongs to another listing or sort order, or has expired.
 * The API maps it to a 400.
 */
export class InvalidCursorError extends Error {
  constructor(message = 'Invalid or expired cursor') {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/** A search request the index cannot serve as asked (e.g. an unknown time zone). The API maps it to a 400. */
export class InvalidSearchRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSearchRequestError';
  }
}

export type SortOrder = 'relevance' | 'date';

export interface SearchRequest {
  query: QueryNode;
  sort?: SortOrder;
  /** Page size, 1..100 (default 20). */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** Facet counts to compute, by facet name. */
  facets?: FacetName[];
  /** Matching documents per day, week (starting Monday) or month of `publishedAt`. */
  histogram?: HistogramRequest;
}

export const HISTOGRAM_INTERVALS = ['day', 'week', 'month'] as const;
export type HistogramInterval = (typeof HISTOGRAM_INTERVALS)[number];

export interface HistogramRequest {
  interval: HistogramInterval;
  /** IANA time zone whose calendar days the buckets follow (default `UTC`). */
  timeZone?: string;
}

/**
 * One histogram bucket: `key` is the local calendar date (`YYYY-MM-DD`, in the request's time
 * zone) of the bucket's first day. Buckets run from the first to the last non-empty one,
 * ascending, with empty buckets in between (count 0); documents without a date are not counted.
 */
export interface HistogramBucket {
  key: string;
  count: number;
}

export const FACET_NAMES = ['sector', 'area', 'goal', 'type', 'agency', 'source', 'event'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export interface SearchHit {
  document: RadarDocument;
  /** Higher is better; only meaningful within one result set. */
  score: number;
  /** Short excerpt with matched words wrapped in <mark>…</mark>; other text HTML-escaped. */
  snippet: string;
}

export interface SearchResult {
  /** Matching documents; a lower bound when `totalIsLowerBound` is set. */
  total: number;
  /** Set when counting stopped early: at least `total` documents match (adapters may cap counts). */
  totalIsLowerBound?: true;
  hits: SearchHit[];
  nextCursor?: string;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
  /** Present when the request asked for a histogram. */
  histogram?: HistogramBucket[];
}

/** `force`: write even when the content hash is unchanged (re-tagging after a vocabulary change). */
export interface UpsertOptions {
  force?: boolean;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** What happened to one document of a bulk upsert, in request order. */
export type BulkUpsertItem =
  | { id: string; outcome: UpsertOutcome }
  /** This document was not written (others may have been); `error` says why. Retry it. */
  | { id: string; outcome: 'failed'; error: string };

export interface SubscriptionFilter {
  email?: string;
  status?: SubscriptionStatus;
  /** `webhook`: only subscriptions with a webhook `target`; `email`: only those without. */
  channel?: 'email' | 'webhook';
}

export interface AlertFilter {
  sector?: string;
  area?: string;
  goal?: string;
  priority?: Priority;
  type?: DocType;
  state?: AlertState;
  /** ISO instant: alerts created at or after it. */
  since?: string;
  /**
   * Alerts whose document matches this query of the search language (words, `agency:`, ...).
   * Evaluated per alert (see alert-query.ts): one call examines at most ALERT_QUERY_SCAN alerts,
   * so a selective query may return a short page with a `nextCursor` to go on.
   */
  query?: QueryNode;
  limit?: number;
  cursor?: string;
}

export interface AlertPage {
  alerts: Alert[];
  nextCursor?: string;
}

/** A durable record that an email was handed to the mail transport. */
export interface Delivery {
  /** Deterministic: subscription + alert, or a confirmation of one subscription. */
  id: string;
  subscriptionId: string;
  email: string;
  subject: string;
  sentAt: string;
}

/**
 * The storage port behind search, alerts and subscriptions. Adapters: SQLite (embedded default)
 * and Elasticsearch. Every adapter passes the same conformance suite.
 */
export abstract class SearchIndex {
  /** Create tables/indices if missing. Idempotent. */
  abstract init(): Promise<void>;
  abstract close(): Promise<void>;

  /**
   * Insert or replace a document by id. `unchanged` when the stored version already has the
   * same `contentHash` (nothing is written).
   */
  abstract upsertDocument(doc: RadarDocument, options?: UpsertOptions): Promise<UpsertOutcome>;
  /**
   * Bulk `upsertDocument`: one outcome per input, in input order. A later duplicate id in the
   * same batch is judged against the earlier one (same hash: `unchanged`). A failure of one
   * document is reported in its item, not thrown.
   */
  abstract upsertDocuments(docs: readonly RadarDocument[], options?: UpsertOptions): Promise<BulkUpsertItem[]>;
  abstract getDocument(id: string): Promise<RadarDocument | null>;
  /** `getDocument` for many ids at once (one read): the documents in input order, `null` where unknown. */
  abstract getDocuments(ids: readonly string[]): Promise<(RadarDocument | null)[]>;
  /** Deletes the document and its version history. */
  abstract deleteDocument(id: string): Promise<boolean>;
  /**
   * Every version of a document, newest first: the current one (from the document itself) and
   * each earlier one, with its text and its diff. An upsert with a new content hash keeps the
   * version it replaces in the same transaction (SQLite) or before the document write
   * (Elasticsearch), so a stored document never lacks its history; an unchanged or forced
   * (re-tag) upsert adds no version. Empty for an unknown document.
   */
  abstract listDocumentVersions(id: string): Promise<DocumentVersion[]>;
  abstract search(req: SearchRequest): Promise<SearchResult>;
  abstract count(query?: QueryNode): Promise<number>;
  /**
   * Every stored document exactly once, in batches (default 500), for reindexing and exports.
   * Documents written while the stream runs may or may not appear.
   */
  abstract streamDocuments(batchSize?: number): AsyncIterable<RadarDocument[]>;
  /**
   * Rebuild the derived search structures from the stored documents (SQLite: full-text rows and
   * tags; Elasticsearch: a new versioned index behind the aliases). Returns documents reindexed.
   */
  abstract reindex(): Promise<number>;

  abstract saveSubscription(sub: Subscription): Promise<void>;
  abstract getSubscription(id: string): Promise<Subscription | null>;
  /** `false` when there was no such subscription. */
  abstract deleteSubscription(id: string): Promise<boolean>;
  /** Subscriptions by email and/or status, oldest first (createdAt, then id). */
  abstract listSubscriptions(filter?: SubscriptionFilter): Promise<Subscription[]>;
  abstract findSubscriptionByEmailAndQuery(email: string, query: string): Promise<Subscription | null>;
  abstract findSubscriptionByToken(kind: 'confirm' | 'unsubscribe', token: string): Promise<Subscription | null>;
  /** Confirmed subscriptions whose query matches the document. */
  abstract matchSubscriptions(doc: RadarDocument): Promise<Subscription[]>;

  /**
   * Insert or update an alert by id; keeps `createdAt` and `state` of an existing one. `sources`
   * and `sourceIds` are merged into the stored lists (a source is never dropped). An alert whose
   * `documentId` is neither the stored one nor the alert id (a near-duplicate from another
   * source) only adds its source: title, URL, tags and version stay those of the alert's document.
   */
  abstract upsertAlert(alert: Alert): Promise<UpsertOutcome>;
  /**
   * Near-duplicate collapse (see `collapseKeys` in @radar/core): atomically, and safely when
   * several notifier workers claim overlapping keys at once, finds the alert id the keys already
   * belong to and claims the free keys for it. `keys[0]` is the document's own key: when it is
   * claimed, its alert wins (a document stays with the alert it joined); otherwise the earliest
   * claim among the others; when no key is claimed, every key is claimed for `alertId`.
   * Returns the alert id the document reports to.
   */
  abstract claimAlertKeys(alertId: string, keys: readonly string[]): Promise<string>;
  abstract getAlert(id: string): Promise<Alert | null>;
  abstract listAlerts(filter: AlertFilter): Promise<AlertPage>;
  /**
   * Triage: set an alert's state, stamping `stateChangedAt` (now) and `stateChangedBy` (when
   * given). Returns the updated alert, or `null` when there is no such alert. Later
   * `upsertAlert` calls keep the triage fields.
   */
  abstract setAlertState(id: string, state: AlertState, by?: string): Promise<Alert | null>;

  /** Stores a reader's "wrong tag" / "missing tag" report. */
  abstract recordFeedback(feedback: Feedback): Promise<void>;
  /** Feedback, oldest first, optionally for one document or label. */
  abstract listFeedback(filter: FeedbackFilter): Promise<Feedback[]>;

  abstract getDelivery(id: string): Promise<Delivery | null>;
  abstract recordDelivery(delivery: Delivery): Promise<void>;

  /** Insert or replace an API key record by id (revoking is saving it with `revokedAt`). */
  abstract saveApiKey(key: ApiKey): Promise<void>;
  abstract getApiKey(id: string): Promise<ApiKey | null>;
  /** The key record whose `hash` this is, revoked or not (the caller decides). */
  abstract findApiKeyByHash(hash: string): Promise<ApiKey | null>;
  /** Every key record, oldest first (createdAt, then id). */
  abstract listApiKeys(): Promise<ApiKey[]>;
}
