import { UnrecoverableError, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import { contentHash, documentId, stableHash, type RawItem } from '@radar/core';
import { patientRetries } from './retry';

/**
 * The one place queue and job names appear. Every hop is idempotent: job ids are deterministic,
 * so the same work enqueued twice (a retry, a second crawler instance) is one job.
 * BullMQ job ids must not be integers or contain ':'.
 */
export enum QueueName {
  Crawl = 'crawl',
  Ingest = 'ingest',
  Match = 'match',
  Email = 'email',
  Webhook = 'webhook',
}

export enum JobName {
  CrawlSource = 'crawl-source',
  FetchArticle = 'fetch-article',
  IngestItem = 'ingest-item',
  IngestBatch = 'ingest-batch',
  MatchDocument = 'match-document',
  SendEmail = 'send-email',
  DeliverWebhook = 'deliver-webhook',
  FlushBatch = 'flush-batch',
  Digest = 'digest',
}

export interface CrawlSourcePayload {
  sourceId: string;
  /** The schedule slot this crawl belongs to (ms since epoch / interval); part of the job id. */
  slot: number;
}

/** An item whose feed gave only a summary: fetch its page and extract the article first. */
export interface FetchArticlePayload {
  item: RawItem;
  sourceName: string;
}

export interface IngestItemPayload {
  item: RawItem;
  sourceName: string;
}
/** Most items one `ingest-batch` job carries (one feed's new items, cut into batches of this size). */
export const INGEST_BATCH_MAX_ITEMS = 100;
/**
 * New or changed items of one source, classified and written together (one index transaction or
 * bulk request). An item that fails inside the batch is handed on as its own `ingest-item` job,
 * with its own attempts, so one bad item never holds back or re-runs the others.
 */
export interface IngestBatchPayload {
  items: RawItem[];
  sourceName: string;
}

export interface MatchDocumentPayload {
  documentId: string;
  version: number;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export interface SendEmailPayload {
  /** Durable delivery id: at most one email per id is ever handed to the transport. */
  deliveryId: string;
  subscriptionId: string;
  message: EmailMessage;
}

/**
 * One POST to a webhook subscription's receiver. The body is rendered once, when the notifier
 * decides (retries post the same bytes); the URL and the signing secret are read from the
 * subscription when posting, so they never sit in Redis and a deleted webhook receives nothing.
 */
export interface DeliverWebhookPayload {
  /**
   * Durable delivery id, also the X-Radar-Delivery header: `wh.<subscription>.<alert>` for a new
   * alert, `wh.<subscription>.<alert>.v<version>` for a change. At most one successful POST per id.
   */
  deliveryId: string;
  subscriptionId: string;
  /** `alert.created` | `alert.changed` (the X-Radar-Event header). */
  event: 'alert.created' | 'alert.changed';
  /** A one-line summary, kept as the delivery record's subject. */
  summary: string;
  /** The exact JSON body to post and sign. */
  body: string;
}

/** Closes one subscription's instant-alert window and renders its alerts into one email. */
export interface FlushBatchPayload {
  subscriptionId: string;
  /** Start of the window (ms since epoch, a multiple of the window length); part of the job id. */
  windowStart: number;
  /** The job does nothing before this instant (ms since epoch): the window's end plus a grace. */
  notBefore: number;
}

/** One subscription's daily or weekly digest for one period. */
export interface DigestPayload {
  subscriptionId: string;
  /** Local date (daily, `2026-11-24`) or ISO week (weekly, `2026-W48`) in the subscriber's zone; part of the job id. */
  periodKey: string;
  frequency: 'daily' | 'weekly';
  /** ISO instants: alerts created in [since, until). */
  since: string;
  until: string;
}

export interface JobPayloads {
  [JobName.CrawlSource]: CrawlSourcePayload;
  [JobName.FetchArticle]: FetchArticlePayload;
  [JobName.IngestItem]: IngestItemPayload;
  [JobName.IngestBatch]: IngestBatchPayload;
  [JobName.MatchDocument]: MatchDocumentPayload;
  [JobName.SendEmail]: SendEmailPayload;
  [JobName.DeliverWebhook]: DeliverWebhookPayload;
  [JobName.FlushBatch]: FlushBatchPayload;
  [JobName.Digest]: DigestPayload;
}

/** Which queue carries each job (the type-level twin of JOBS[name].queue). */
export interface JobQueues {
  [JobName.CrawlSource]: QueueName.Crawl;
  [JobName.FetchArticle]: QueueName.Crawl;
  [JobName.IngestItem]: QueueName.Ingest;
  [JobName.IngestBatch]: QueueName.Ingest;
  [JobName.MatchDocument]: QueueName.Match;
  [JobName.SendEmail]: QueueName.Email;
  [JobName.DeliverWebhook]: QueueName.Webhook;
  [JobName.FlushBatch]: QueueName.Match;
  [JobName.Digest]: QueueName.Match;
}

/** The job names a queue carries. */
export type JobsOf<Q extends QueueName> = { [N in JobName]: JobQueues[N] extends Q ? N : never }[JobName];

interface JobDefinition<N extends JobName> {
  queue: JobQueues[N];
  jobId: (payload: JobPayloads[N]) => string;
  options: Omit<JobsOptions, 'jobId'>;
  /** Rejects a malformed payload (a permanent failure: retrying cannot fix it). */
  schema: z.ZodType<JobPayloads[N]>;
}

const rawItemSchema = z
  .object({
    sourceId: z.string().min(1),
    guid: z.string().min(1),
    url: z.string(),
    title: z.string(),
    summary: z.string(),
    body: z.string(),
    publishedAt: z.string().optional(),
    fetchedAt: z.string(),
  })
  .passthrough() as unknown as z.ZodType<RawItem>;

const keep = { removeOnComplete: { age: 24 * 3600, count: 10000 }, removeOnFail: { age: 7 * 24 * 3600 } };
/**
 * How long jobs that write to the index or send mail keep retrying a failure that is not
 * permanent: a day of index or SMTP outage loses no document, alert or email (see retry.ts).
 */
export const OUTAGE_WINDOW_MS = 24 * 3600_000;

/** Safe for a BullMQ id: no ':' and never an integer. */
export function jobIdPart(value: string | number): string {
  return String(value).replace(/[^A-Za-z0-9_.-]/g, '_');
}

export const JOBS: { [N in JobName]: JobDefinition<N> } = {
  [JobName.CrawlSource]: {
    queue: QueueName.Crawl,
    jobId: (p) => `crawl.${jobIdPart(p.sourceId)}.${p.slot}`,
    schema: z.object({ sourceId: z.string().min(1), slot: z.number().int().nonnegative() }),
    options: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, ...keep },
  },
  [JobName.FetchArticle]: {
    queue: QueueName.Crawl,
    jobId: (p) => `article.${documentId(p.item.sourceId, p.item.guid)}.${contentHash(p.item)}`,
    schema: z.object({ sourceName: z.string(), item: rawItemSchema }),
    options: { attempts: 4, backoff: { type: 'exponential', delay: 30000 }, ...keep },
  },
  [JobName.IngestItem]: {
    queue: QueueName.Ingest,
    jobId: (p) => `ingest.${documentId(p.item.sourceId, p.item.guid)}.${contentHash(p.item)}`,
    schema: z.object({ sourceName: z.string(), item: rawItemSchema }),
    options: { ...patientRetries(2000, OUTAGE_WINDOW_MS), ...keep },
  },
  [JobName.IngestBatch]: {
    queue: QueueName.Ingest,
    // The same items (ids and content) are the same batch: a retried crawl adds nothing.
    jobId: (p) =>
      `ingest-batch.${stableHash(p.items.map((item) => `${documentId(item.sourceId, item.guid)}.${contentHash(item)}`))}`,
    schema: z.object({ sourceName: z.string(), items: z.array(rawItemSchema).min(1) }),
    // A completed batch holds up to INGEST_BATCH_MAX_ITEMS items: keep fewer of them than of
    // single jobs (its id only has to outlive a retried crawl; the index decides after that).
    options: {
      ...patientRetries(2000, OUTAGE_WINDOW_MS),
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: keep.removeOnFail,
    },
  },
  [JobName.MatchDocument]: {
    queue: QueueName.Match,
    jobId: (p) => `match.${jobIdPart(p.documentId)}.v${p.version}`,
    schema: z.object({ documentId: z.string().min(1), version: z.number().int().positive() }),
    options: { ...patientRetries(2000, OUTAGE_WINDOW_MS), ...keep },
  },
  [JobName.SendEmail]: {
    queue: QueueName.Email,
    jobId: (p) => `email.${jobIdPart(p.deliveryId)}`,
    schema: z.object({
      deliveryId: z.string().min(1),
      subscriptionId: z.string().min(1),
      message: z.object({
        to: z.string().min(3),
        subject: z.string(),
        text: z.string(),
        html: z.string(),
        headers: z.record(z.string(), z.string()).optional(),
      }),
    }),
    options: { ...patientRetries(10_000, OUTAGE_WINDOW_MS), ...keep },
  },
  [JobName.DeliverWebhook]: {
    queue: QueueName.Webhook,
    jobId: (p) => `webhook.${jobIdPart(p.deliveryId)}`,
    schema: z.object({
      deliveryId: z.string().min(1),
      subscriptionId: z.string().min(1),
      event: z.enum(['alert.created', 'alert.changed']),
      summary: z.string(),
      body: z.string().min(2),
    }),
    // 5xx, 408, 429, timeouts and connection errors retry with exponential back-off: 15 s, 30 s,
    // 1 min, 2 min ... about two hours in all; other 4xx fail at once (PermanentJobError).
    options: { attempts: 10, backoff: { type: 'exponential', delay: 15000 }, ...keep },
  },
  [JobName.FlushBatch]: {
    queue: QueueName.Match,
    jobId: (p) => `batch.${jobIdPart(p.subscriptionId)}.${p.windowStart}`,
    schema: z.object({
      subscriptionId: z.string().min(1),
      windowStart: z.number().int().nonnegative(),
      notBefore: z.number().int().nonnegative(),
    }),
    options: { ...patientRetries(2000, OUTAGE_WINDOW_MS), ...keep },
  },
  [JobName.Digest]: {
    queue: QueueName.Match,
    jobId: (p) => `digest.${jobIdPart(p.subscriptionId)}.${jobIdPart(p.periodKey)}`,
    schema: z.object({
      subscriptionId: z.string().min(1),
      periodKey: z.string().min(1),
      frequency: z.enum(['daily', 'weekly']),
      since: z.string().min(1),
      until: z.string().min(1),
    }),
    options: { ...patientRetries(5000, OUTAGE_WINDOW_MS), ...keep },
  },
};

/** Jobs grouped by the queue that carries them: each queue's processor must handle exactly these. */
export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOBS) as JobName[]).filter((name) => JOBS[name].queue === queue);
}

/**
 * A failure that retrying cannot fix (bad payload, permanently rejected address). Processors throw
 * it to fail the job at once instead of burning attempts.
 */
export class PermanentJobError extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
