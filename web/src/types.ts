/**
 * The JSON the API answers with, as the web app reads it (a browser-side mirror of
 * libs/core and libs/search types; the app never imports server code).
 */

export const DOC_TYPES = [
  'news',
  'rule',
  'proposed_rule',
  'notice',
  'presidential_document',
  'bill',
  'press_release',
  'guidance',
  'funding',
  'page_change',
] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const PRIORITIES = ['none', 'low', 'medium', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ALERT_STATES = ['new', 'reviewed', 'dismissed', 'acted'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const FACET_NAMES = ['sector', 'area', 'goal', 'type', 'agency', 'source', 'event'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

export type TextField = 'title' | 'summary' | 'body';

export interface Evidence {
  phrase: string;
  field: TextField;
  offset: number;
}

export interface ScoredTag {
  id: string;
  score: number;
  evidence: Evidence[];
}

export interface PolicyEvent {
  kind: string;
  date?: string;
}

export interface TextDiff {
  added: string[];
  removed: string[];
}

export interface RadarDocument {
  id: string;
  version: number;
  contentHash: string;
  sourceId: string;
  sourceName: string;
  url: string;
  title: string;
  summary: string;
  body: string;
  publishedAt: string;
  fetchedAt: string;
  indexedAt: string;
  subSectors: ScoredTag[];
  focusAreas: string[];
  advocacyGoals: ScoredTag[];
  docType: DocType;
  policyEvents: PolicyEvent[];
  policyAction: boolean;
  agencies: string[];
  priority: Priority;
  priorityReason: string;
  identifiers?: Record<string, string[] | undefined>;
  diff?: TextDiff;
}

export interface SearchHit {
  document: RadarDocument;
  score: number;
  /** Escaped text with matched words in <mark>…</mark>. */
  snippet: string;
}

export interface FacetBucket {
  value: string;
  count: number;
}

export interface HistogramBucket {
  /** Local date (YYYY-MM-DD) of the bucket's first day. */
  key: string;
  count: number;
}

export interface SearchResult {
  total: number;
  totalIsLowerBound?: true;
  hits: SearchHit[];
  nextCursor?: string;
  facets: Partial<Record<FacetName, FacetBucket[]>>;
  histogram?: HistogramBucket[];
}

/** One version of a document (GET /api/documents/:id/versions), newest first. */
export interface DocumentVersion {
  version: number;
  contentHash: string;
  title: string;
  indexedAt: string;
  /** Unified-diff-like text, or the lines added and removed. */
  diff?: string | TextDiff;
}

export interface DocumentVersions {
  documentId: string;
  versions: DocumentVersion[];
}

export interface Alert {
  id: string;
  documentId: string;
  documentVersion: number;
  title: string;
  url: string;
  sourceIds: string[];
  docType: DocType;
  subSectors: string[];
  focusAreas: string[];
  advocacyGoals: string[];
  policyEvents: PolicyEvent[];
  priority: Priority;
  reason: string;
  publishedAt: string;
  createdAt: string;
  updatedAt: string;
  state: AlertState;
  stateChangedAt?: string;
  stateChangedBy?: string;
}

export interface AlertPage {
  alerts: Alert[];
  nextCursor?: string;
}

export interface Taxonomy {
  version: string;
  focusAreas: { id: string; name: string; description?: string }[];
  subSectors: { id: string; name: string; focusArea: string; definition: string }[];
  advocacyGoals: { id: string; name: string }[];
}

export type SourceStatus = 'ok' | 'pending' | 'stale' | 'broken' | 'disabled';

export interface SourceHealth {
  id: string;
  name: string;
  kind: string;
  url: string;
  status: SourceStatus;
  reason?: string;
  intervalSeconds: number;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  itemsSeen: number;
  lastNewItemAt?: string;
  observedIntervalSeconds?: number;
  expectedUpdateSeconds: number;
  nextCheckAt?: string;
}

export interface SourcesResponse {
  counts: Record<SourceStatus, number>;
  sources: SourceHealth[];
}

export interface OutboxEntry {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  file: string;
  writtenAt: string;
}

export type SubscriptionFrequency = 'instant' | 'daily' | 'weekly';

export interface SubscriptionView {
  id: string;
  query: string;
  status: 'pending' | 'confirmed' | 'unsubscribed' | 'bounced';
  sectors: string[];
  areas: string[];
  goals: string[];
  minPriority: 'low' | 'medium' | 'high';
  frequency: SubscriptionFrequency;
  timeZone: string;
  createdAt: string;
  confirmedAt?: string;
}

/** The API's error body: `message` lists every problem; a malformed query also gives its position. */
export interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string | string[];
  position?: number;
}
