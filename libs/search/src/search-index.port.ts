import type { Alert, AlertState, DocType, Priority, QueryNode, RadarDocument, Subscription } from '@radar/core';

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
  total: number;
  hits: SearchHit[];
  nextCursor?: string;
  facets: Partial<Record<FacetName, { value: string; count: number }[]>>;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export interface AlertFilter {
  sector?: string;
  area?: string;
  goal?: string;
  priority?: Priority;
  type?: DocType;
  state?: AlertState;
  /** ISO instant: alerts created at or after it. */
  since?: string;
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
  abstract upsertDocument(doc: RadarDocument): Promise<UpsertOutcome>;
  abstract getDocument(id: string): Promise<RadarDocument | null>;
  abstract deleteDocument(id: string): Promise<boolean>;
  abstract search(req: SearchRequest): Promise<SearchResult>;
  abstract count(query?: QueryNode): Promise<number>;

  abstract saveSubscription(sub: Subscription): Promise<void>;
  abstract getSubscription(id: string): Promise<Subscription | null>;
  abstract findSubscriptionByEmailAndQuery(email: string, query: string): Promise<Subscription | null>;
  abstract findSubscriptionByToken(kind: 'confirm' | 'unsubscribe', token: string): Promise<Subscription | null>;
  /** Confirmed subscriptions whose query matches the document. */
  abstract matchSubscriptions(doc: RadarDocument): Promise<Subscription[]>;

  /** Insert or update an alert by id; keeps `createdAt` and `state` of an existing one. */
  abstract upsertAlert(alert: Alert): Promise<UpsertOutcome>;
  abstract getAlert(id: string): Promise<Alert | null>;
  abstract listAlerts(filter: AlertFilter): Promise<AlertPage>;

  abstract getDelivery(id: string): Promise<Delivery | null>;
  abstract recordDelivery(delivery: Delivery): Promise<void>;
}
