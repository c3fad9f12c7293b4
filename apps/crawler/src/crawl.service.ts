import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobQueue, PermanentJobError } from '@radar/queue';
import { Source, SourceRegistry } from '@radar/sources';
import { CrawlState, CrawlStateStore } from './crawl-state.store';
import { decodeFeed, FeedParseError, parseFeed } from '@radar/crawl';
import { HttpFetcher, HttpStatusError, ResponseTooLargeError } from './http-fetcher.adapter';

export type CrawlOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'not-modified' }
  | { status: 'unchanged' }
  | { status: 'fetched'; items: number };

/** Longest a failing source is left alone: errors back off exponentially up to this. */
const MAX_BACKOFF_MS = 6 * 3600 * 1000;

@Injectable()
export class CrawlService {
  private readonly logger = new Logger(CrawlService.name);

  constructor(
    private readonly sources: SourceRegistry,
    private readonly state: CrawlStateStore,
    private readonly fetcher: HttpFetcher,
    private readonly queue: JobQueue,
  ) {}

  /** Sources whose next check is due, for the schedule to enqueue. */
  async dueSources(now: number): Promise<Source[]> {
    const enabled = this.sources.enabled();
    const states = await this.state.getMany(enabled.map((s) => s.id));
    return enabled.filter((s) => (states.get(s.id)?.nextCheckAt ?? 0) <= now);
  }

  /** Marks a source as enqueued so later ticks in the same interval leave it alone. */
  async markScheduled(source: Source, now: number): Promise<void> {
    const current = await this.state.get(source.id);
    await this.state.set(source.id, { ...current, nextCheckAt: now + source.intervalSeconds * 1000 });
  }

  /**
   * Fetches one source and enqueues every item to `ingest` (deterministic ids, so items already
   * seen are not enqueued again while their job is remembered, and the classifier's durable
   * content-hash check catches the rest). Transient failures throw (the job retries); a source's
   * own failures are recorded in its state with a back-off and end the job.
   */
  async crawl(sourceId: string, now = Date.now()): Promise<CrawlOutcome> {
    const source = this.sources.get(sourceId);
    if (!source) return { status: 'skipped', reason: `unknown source ${sourceId}` };
    if (!source.enabled) return { status: 'skipped', reason: 'source disabled' };
    const state = await this.state.get(source.id);
    const base: CrawlState = { ...state, lastCrawledAt: now, nextCheckAt: now + source.intervalSeconds * 1000 };
    try {
      const result = await this.fetcher.get({ url: source.url, etag: state.etag, lastModified: state.lastModified });
      if (result.status === 'not-modified') {
        await this.state.set(source.id, { ...base, errorCount: 0, lastStatus: 'not-modified', lastError: undefined });
        return { status: 'not-modified' };
      }
      const bodyHash = createHash('sha256').update(result.body).digest('hex');
      const next: CrawlState = {
        ...base,
        etag: result.etag,
        lastModified: result.lastModified,
        bodyHash,
        errorCount: 0,
        lastError: undefined,
      };
      if (bodyHash === state.bodyHash) {
        await this.state.set(source.id, { ...next, lastStatus: 'unchanged' });
        return { status: 'unchanged' };
      }
      const items = await parseFeed(
        decodeFeed(result.body, result.contentType),
        source.id,
        result.finalUrl,
        new Date(now),
      );
      await this.queue.enqueueMany(
        JobName.IngestItem,
        items.map((item) => ({ item, sourceName: source.name })),
      );
      await this.state.set(source.id, { ...next, lastStatus: 'fetched', lastItemCount: items.length });
      this.logger.log(`source=${source.id} fetched items=${items.length}`);
      return { status: 'fetched', items: items.length };
    } catch (error) {
      const permanent =
        error instanceof FeedParseError ||
        error instanceof ResponseTooLargeError ||
        (error instanceof HttpStatusError && !error.transient);
      const errorCount = state.errorCount + 1;
      const retryAfterMs =
        error instanceof HttpStatusError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
      const backoff = Math.min(MAX_BACKOFF_MS, source.intervalSeconds * 1000 * 2 ** Math.min(errorCount, 10));
      await this.state.set(source.id, {
        ...base,
        nextCheckAt: now + Math.max(backoff, retryAfterMs),
        errorCount,
        lastStatus: 'error',
        lastError: (error as Error).message,
      });
      this.logger.warn(`source=${source.id} crawl failed (${errorCount} in a row): ${(error as Error).message}`);
      if (permanent) throw new PermanentJobError(`source ${source.id}: ${(error as Error).message}`);
      throw error;
    }
  }
}
