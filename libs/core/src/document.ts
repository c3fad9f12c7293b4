/**
 * Domain types shared by every role. Plain data, no framework, no I/O.
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

export type TextField = 'title' | 'summary' | 'body';

/** Where a tag came from: the matched phrase as it appears in the text, its field and offset. */
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
  /** ISO date (YYYY-MM-DD) when the text states one. */
  date?: string;
}

/** What a classifier says about a text. */
export interface Classification {
  subSectors: ScoredTag[];
  focusAreas: string[];
  advocacyGoals: ScoredTag[];
  docType: DocType;
  policyEvents: PolicyEvent[];
  policyAction: boolean;
  agencies: string[];
  priority: Priority;
  priorityReason: string;
}

/** Structured identifiers found in a document (Federal Register, dockets, bills...). */
export interface DocumentIdentifiers {
  /** Federal Register document number, e.g. "2026-01234". */
  frDocumentNumbers?: string[];
  /** Federal Register citations, e.g. "91 FR 12345". */
  frCitations?: string[];
  /** Regulations.gov docket ids, e.g. "EPA-HQ-OAR-2021-0317". */
  dockets?: string[];
  /** Regulation Identifier Numbers, e.g. "3150-AK31". */
  rins?: string[];
  /** CFR parts, e.g. "10 CFR 50". */
  cfrParts?: string[];
  /** Bills, normalised like "hr-1234-119" (type, number, congress when known). */
  bills?: string[];
}

/** What changed between two versions of a watched page or document. */
export interface TextDiff {
  added: string[];
  removed: string[];
}

/** One item as a crawler found it, before classification. */
export interface RawItem {
  sourceId: string;
  /** The feed's own identifier for the item (guid, id) or, failing that, its link. */
  guid: string;
  url: string;
  title: string;
  summary: string;
  body: string;
  /** ISO 8601 timestamp, when the feed gives a usable one. */
  publishedAt?: string;
  fetchedAt: string;
  /** Canonical URL when it differs from `url` (rel=canonical, tracking parameters stripped). */
  canonicalUrl?: string;
  identifiers?: DocumentIdentifiers;
  /** What the source itself says the document is (the Federal Register's type, a bill...). */
  docTypeHint?: DocType;
  /** Agencies the source names (Federal Register agency names). */
  agencies?: string[];
  /** For page-watch items: the lines added and removed since the previous version. */
  diff?: TextDiff;
}

/** A stored, classified document. `id` is stable across versions; `version` grows on change. */
export interface RadarDocument extends Classification {
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
  identifiers?: DocumentIdentifiers;
  /** Set on versions after the first: what changed from the previous version. */
  diff?: TextDiff;
  /** What the source itself stated (kept so a re-classification gives the same answer). */
  hints?: { docType?: DocType; agencies?: string[] };
}

export const ALERT_STATES = ['new', 'reviewed', 'dismissed', 'acted'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One document reporting an alert's event (near-duplicates from several sources collapse into one alert). */
export interface AlertSource {
  documentId: string;
  sourceId: string;
  sourceName: string;
  url: string;
  title: string;
  /** When this document joined the alert. */
  addedAt: string;
}

/** A real content change of the alert's document: the version and the lines added and removed. */
export interface AlertChange {
  version: number;
  /** When that version was indexed. */
  at: string;
  added: string[];
  removed: string[];
}

/** A document the policy team should look at: it reports a policy action in a sub-sector. */
export interface Alert {
  /**
   * The id of the first document that reported the event (for an alert created before
   * near-duplicate collapse: its only document). Later reports of the same event by other
   * documents join it as `sources` (see `collapseKeys`); the alert is updated as its document
   * changes.
   */
  id: string;
  /** The document whose title, URL and tags the alert shows (normally the first reporter). */
  documentId: string;
  documentVersion: number;
  title: string;
  url: string;
  /** Every source that reported the event, in order of arrival. */
  sourceIds: string[];
  /** Every document that reported the event (absent on alerts stored before collapse existed). */
  sources?: AlertSource[];
  /** The latest real content change of `documentId` (absent while it has one version). */
  lastChange?: AlertChange;
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
  /** When `state` last changed through triage (`setAlertState`). */
  stateChangedAt?: string;
  /** Who changed `state` last, when the caller said (an email or user name). */
  stateChangedBy?: string;
}

/** `bounced`: the mail server refused the address for good (SMTP 5xx); nothing more is sent to it. */
export const SUBSCRIPTION_STATUSES = ['pending', 'confirmed', 'unsubscribed', 'bounced'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** How often a subscription is emailed: each alert (batched within INSTANT_BATCH_SECONDS), or a daily or weekly digest. */
export const SUBSCRIPTION_FREQUENCIES = ['instant', 'daily', 'weekly'] as const;
export type SubscriptionFrequency = (typeof SUBSCRIPTION_FREQUENCIES)[number];

/** The lowest alert priority a subscription asks for (an alert is never `none`). */
export type AlertPriority = Exclude<Priority, 'none'>;

export const WEBHOOK_FORMATS = ['json', 'slack', 'teams'] as const;
/** `json`: Policy Radar's own signed event; `slack` / `teams`: an incoming-webhook message for that chat. */
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Where a webhook subscription posts its alerts instead of emailing them. */
export interface WebhookTarget {
  kind: 'webhook';
  /** https (http and private addresses only where WEBHOOK_ALLOW_PRIVATE_NETWORK is set). */
  url: string;
  format: WebhookFormat;
}

/** A webhook delivery that failed for good (a 4xx other than 408/429, a refused address, retries used up). */
export interface WebhookFailure {
  at: string;
  deliveryId: string;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  message: string;
}

/**
 * A saved query whose matching alerts are emailed to one address (double opt-in), or posted to a
 * webhook (`target`, created by a team member through the API, confirmed at once).
 */
export interface Subscription {
  id: string;
  /** The subscriber's address; the empty string for a webhook subscription. */
  email: string;
  /** Query in the query language; the empty string matches every alert. */
  query: string;
  status: SubscriptionStatus;
  /** Secret in the confirmation link. */
  confirmToken: string;
  /** Secret in every email's unsubscribe link. */
  unsubscribeToken: string;
  createdAt: string;
  confirmedAt?: string;
  /** Sub-sector ids; when non-empty, an alert must carry at least one. */
  sectors?: string[];
  /** Focus area ids; when non-empty, an alert must carry at least one. */
  areas?: string[];
  /** Advocacy goal ids; when non-empty, an alert must carry at least one. */
  goals?: string[];
  /** Lowest alert priority emailed; absent means `low` (every alert). */
  minPriority?: AlertPriority;
  /** Absent means `instant`. */
  frequency?: SubscriptionFrequency;
  /** IANA time zone of the subscriber (for digests); absent means UTC. */
  timeZone?: string;
  /** When the address was refused for good (status `bounced`). */
  bouncedAt?: string;
  /** Absent: email to `email`. Present: alerts are posted to this webhook instead. */
  target?: WebhookTarget;
  /** A webhook subscription's HMAC-SHA256 key (returned once, when it is created). */
  webhookSecret?: string;
  /** Who created a webhook subscription (the API caller), when known. */
  createdBy?: string;
  /** A webhook subscription's last permanent delivery failure (a 410 also makes it `bounced`). */
  lastFailure?: WebhookFailure;
}
