import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { contentHash, documentId, RawItem } from '@radar/core';
import { decodeFeed, diffPage, isMeaningfulChange, pageText, parseSourceBody, SourceParseError } from '@radar/crawl';
import { INGEST_BATCH_MAX_ITEMS, JobName, JobQueue, PermanentJobError, RescheduleJobError } from '@radar/queue';
import { CrawlState, nextInterval, Source, SourceRegistry, SourceStateStore } from '@radar/sources';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex } from '@radar/search';
import { FetchResult, HttpFetcher, HttpStatusError, isPermanentFetchError } from './http-fetcher.adapter';

export type CrawlOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'not-modified' }
  | { status: 'unchanged' }
  | { status: 'fetched'; items: number; new: number; pages: number };

/** Longest a failing source is left alone: errors back off exponentially up to this. */
const MAX_BACKOFF_MS = 6 * 3600 * 1000;

/** An item's dedupe key: which document, in which content. */
const itemKey = (item: RawItem) => `${documentId(item.sourceId, item.guid)}.${contentHash(item)}`;

@Injectable()
export class CrawlService {
  private readonly logger = new Logger(CrawlService.name);

  constructor(
    private readonly sources: SourceRegistry,
    private readonly state: SourceStateStore,
    private readonly fetcher: HttpFetcher,
    private readonly queue: JobQueue,
    private readonly index: SearchIndex,
    private readonly metrics: MetricsStore,
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
    const interval = current.intervalSeconds ?? source.intervalSeconds;
    await this.state.set(source.id, { ...current, nextCheckAt: now + interval * 1000 });
  }

  /**
   * Fetches one source (following API pagination up to the source's maxPages) and enqueues its
   * new or changed items to `ingest` in batches (at most INGEST_BATCH_MAX_ITEMS each), under ids
   * derived from the items they carry. Items this source already produced
   * with the same content are not enqueued again; after a Redis flush they are, once, and the
   * classifier's durable content-hash check makes that harmless. Transient failures throw (the job
   * retries); a source's own failures are recorded with a back-off and end the job.
   */
  async crawl(sourceId: string, now = Date.now()): Promise<CrawlOutcome> {
    const source = this.sources.get(sourceId);
    if (!source) return { status: 'skipped', reason: `unknown source ${sourceId}` };
    const disabled = this.sources.disabledReason(source.id);
    if (!source.enabled || disabled) return { status: 'skipped', reason: disabled ?? 'source disabled' };
    const state = await this.state.get(source.id);
    try {
      const outcome = await this.fetchAndEnqueue(source, state, now);
      await this.metrics.increment('radar_crawl_outcomes_total', { status: outcome.status });
      return outcome;
    } catch (error) {
      // Host busy or cooling down: not a failure of the source; the job is delayed (no attempt used).
      if (error instanceof RescheduleJobError) {
        await this.metrics.increment('radar_crawl_outcomes_total', { status: 'rescheduled' });
        throw error;
      }
      await this.metrics.increment('radar_crawl_outcomes_total', { status: 'error' });
      await this.recordFailure(source, state, error as Error, now);
      const permanent = error instanceof SourceParseError || isPermanentFetchError(error);
      if (permanent) throw new PermanentJobError(`source ${source.id}: ${(error as Error).message}`);
      throw error;
    }
  }

  private async fetchAndEnqueue(source: Source, state: CrawlState, now: number): Promise<CrawlOutcome> {
    const first = await this.fetcher.get({
      url: source.url,
      etag: state.etag,
      lastModified: state.lastModified,
      purpose: 'feed',
      allowPrivateNetwork: source.allowPrivateNetwork,
      sourceId: source.id,
      headers: this.sources.apiKeyHeaders(source),
    });
    if (first.status === 'not-modified') {
      await this.recordSuccess(source, state, now, { lastStatus: 'not-modified' }, 0);
      return { status: 'not-modified' };
    }
    const bodyHash = createHash('sha256').update(first.body).digest('hex');
    const validators = { etag: first.etag, lastModified: first.lastModified, bodyHash };
    if (bodyHash === state.bodyHash) {
      await this.recordSuccess(source, state, now, { ...validators, lastStatus: 'unchanged' }, 0);
      return { status: 'unchanged' };
    }
    const { items, pages } =
      source.kind === 'page-watch'
        ? { items: await this.pageChange(source, first, now), pages: 1 }
        : await this.parsePages(source, first, now);
    const keys = items.map(itemKey);
    const fresh = new Set(await this.state.unseen(source.id, keys));
    const toEnqueue = items.filter((_, i) => fresh.has(keys[i]));
    const needsArticle = (item: RawItem) => source.fetchFullText && !item.body;
    const ready = toEnqueue.filter((item) => !needsArticle(item));
    const batches: RawItem[][] = [];
    for (let i = 0; i < ready.length; i += INGEST_BATCH_MAX_ITEMS) {
      batches.push(ready.slice(i, i + INGEST_BATCH_MAX_ITEMS));
    }
    await this.queue.enqueueMany(
      JobName.IngestBatch,
      batches.map((items) => ({ items, sourceName: source.name })),
    );
    await this.queue.enqueueMany(
      JobName.FetchArticle,
      toEnqueue.filter(needsArticle).map((item) => ({ item, sourceName: source.name })),
    );
    await this.state.markSeen(source.id, [...fresh]);
    await this.recordSuccess(
      source,
      state,
      now,
      { ...validators, lastStatus: 'fetched', lastItemCount: items.length },
      toEnqueue.length,
    );
    this.logger.log(`source=${source.id} fetched items=${items.length} new=${toEnqueue.length}`);
    return { status: 'fetched', items: items.length, new: toEnqueue.length, pages };
  }

  /** Parses the first response and follows the API's next-page links, up to the source's maxPages. */
  private async parsePages(
    source: Source,
    first: Extract<FetchResult, { status: 'ok' }>,
    now: number,
  ): Promise<{ items: RawItem[]; pages: number }> {
    const items: RawItem[] = [];
    let response = first;
    for (let page = 1; ; page++) {
      const result = await parseSourceBody(response.body, {
        source,
        url: response.finalUrl,
        contentType: response.contentType,
        now: new Date(now),
      });
      items.push(...result.items);
      if (!result.nextPageUrl || page >= source.maxPages) return { items, pages: page };
      const next = await this.fetcher.get({
        url: result.nextPageUrl,
        purpose: 'api',
        allowPrivateNetwork: source.allowPrivateNetwork,
        sourceId: source.id,
        headers: this.sources.apiKeyHeaders(source),
      });
      if (next.status !== 'ok') return { items, pages: page };
      response = next;
    }
  }

  /**
   * A watched page becomes one document whose body is the page's text (within the include and
   * exclude selectors). Each meaningful change is a new version carrying its added and removed
   * lines; the previous text comes from the durable index, so a Redis flush changes nothing.
   */
  private async pageChange(
    source: Source,
    page: Extract<FetchResult, { status: 'ok' }>,
    now: number,
  ): Promise<RawItem[]> {
    const options = source.pageWatch ?? { reorderInsensitive: false };
    const lines = pageText(decodeFeed(page.body, page.contentType), options);
    const guid = source.url;
    const previous = await this.index.getDocument(documentId(source.id, guid));
    const base = {
      sourceId: source.id,
      guid,
      url: source.url,
      title: source.name,
      body: lines.join('\n'),
      fetchedAt: new Date(now).toISOString(),
    };
    if (!previous) return [{ ...base, summary: `First snapshot of ${source.url} (${lines.length} lines)` }];
    const diff = diffPage(previous.body.split('\n'), lines, options.reorderInsensitive);
    if (!isMeaningfulChange(diff)) return [];
    const summary = [
      `${diff.added.length} line(s) added, ${diff.removed.length} removed.`,
      ...diff.added.slice(0, 5).map((l) => `+ ${l}`),
      ...diff.removed.slice(0, 5).map((l) => `- ${l}`),
    ].join('\n');
    return [
      {
        ...base,
        title: `${source.name}: page changed`,
        summary,
        publishedAt: base.fetchedAt,
        diff,
        docTypeHint: 'page_change',
      },
    ];
  }

  private async recordSuccess(
    source: Source,
    state: CrawlState,
    now: number,
    changes: Partial<CrawlState>,
    newItems: number,
  ): Promise<void> {
    const foundNew = newItems > 0;
    let observed = state.observedIntervalSeconds;
    if (foundNew && state.lastNewItemAt) {
      const gap = (now - state.lastNewItemAt) / 1000;
      observed = observed ? observed * 0.7 + gap * 0.3 : gap;
    }
    const next: CrawlState = {
      ...state,
      ...changes,
      observedIntervalSeconds: observed,
      errorCount: 0,
      lastError: undefined,
      lastCrawledAt: now,
      lastSuccessAt: now,
      lastNewItemAt: foundNew ? now : state.lastNewItemAt,
      itemsSeen: state.itemsSeen + newItems,
    };
    next.intervalSeconds = nextInterval(source, next, foundNew);
    next.nextCheckAt = now + next.intervalSeconds * 1000;
    await this.state.set(source.id, next);
  }

  private async recordFailure(source: Source, state: CrawlState, error: Error, now: number): Promise<void> {
    const errorCount = state.errorCount + 1;
    const retryAfterMs =
      error instanceof HttpStatusError && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : 0;
    const interval = state.intervalSeconds ?? source.intervalSeconds;
    const backoff = Math.min(MAX_BACKOFF_MS, interval * 1000 * 2 ** Math.min(errorCount, 10));
    await this.state.set(source.id, {
      ...state,
      lastCrawledAt: now,
      nextCheckAt: now + Math.max(backoff, retryAfterMs),
      errorCount,
      lastStatus: 'error',
      lastError: error.message,
      lastErrorAt: now,
    });
    this.logger.warn(`source=${source.id} crawl failed (${errorCount} in a row): ${error.message}`);
  }
}
