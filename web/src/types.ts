/**
 * The JSON the API answers with, as the web app reads it. The domain types are the libs' own, one
 * definition for server and browser: imported type-only (erased from the bundle) from files with
 * no server imports, plus the constant lists of libs/core/src/document.ts (plain data). The
 * search results, versions, taxonomy and API views below mirror what the API serialises.
 */
import type { Alert, RadarDocument, Subscription, TextDiff } from '../../libs/core/src/document';
import type { OutgoingEmail } from '../../libs/mail/src/mail-transport.port';
import type { SourceHealth, SourceStatus } from '../../libs/sources/src/source-status';

export { ALERT_STATES, DOC_TYPES } from '../../libs/core/src/document';
export type {
  Alert,
  AlertState,
  Evidence,
  RadarDocument,
  ScoredTag,
  SubscriptionFrequency,
  TextDiff,
} from '../../libs/core/src/document';
export type { SourceHealth, SourceStatus } from '../../libs/sources/src/source-status';

export const FACET_NAMES = ['sector', 'area', 'goal', 'type', 'agency', 'source', 'event'] as const;
export type FacetName = (typeof FACET_NAMES)[number];

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

export interface SourcesResponse {
  counts: Record<SourceStatus, number>;
  sources: SourceHealth[];
}

/** A message of the embedded mode's outbox (GET /api/outbox). */
export interface OutboxEntry extends OutgoingEmail {
  file: string;
  writtenAt: string;
}

/** What the API shows a subscriber of a subscription: never its tokens; defaults filled in. */
export type SubscriptionView = Pick<Subscription, 'id' | 'query' | 'status' | 'createdAt' | 'confirmedAt'> &
  Required<Pick<Subscription, 'sectors' | 'areas' | 'goals' | 'minPriority' | 'frequency' | 'timeZone'>>;

/** The API's error body: `message` lists every problem; a malformed query also gives its position. */
export interface ErrorBody {
  statusCode?: number;
  error?: string;
  message?: string | string[];
  position?: number;
}
