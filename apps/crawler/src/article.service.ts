import { Injectable, Logger } from '@nestjs/common';
import type { RawItem } from '@radar/core';
import { decodeFeed, extractArticle } from '@radar/crawl';
import { FetchArticlePayload, JobName, JobQueue, RescheduleJobError } from '@radar/queue';
import { SourceRegistry } from '@radar/sources';
import { HttpFetcher } from './http-fetcher.adapter';

export type ArticleOutcome = { status: 'extracted'; characters: number } | { status: 'summary-only'; reason: string };

/**
 * Completes an item whose feed gave only a summary: fetches its page (robots.txt honoured) and
 * extracts the article, then hands the item to `ingest`. Nothing is lost: when the page cannot be
 * had for good (robots, 4xx, not an article) or the last attempt fails, the item goes on with its
 * summary.
 */
@Injectable()
export class ArticleService {
  private readonly logger = new Logger(ArticleService.name);

  constructor(
    private readonly fetcher: HttpFetcher,
    private readonly sources: SourceRegistry,
    private readonly queue: JobQueue,
  ) {}

  async complete({ item, sourceName }: FetchArticlePayload, lastAttempt: boolean): Promise<ArticleOutcome> {
    let completed: RawItem;
    let outcome: ArticleOutcome;
    try {
      const source = this.sources.get(item.sourceId);
      const page = await this.fetcher.get({
        url: item.url,
        purpose: 'html',
        allowPrivateNetwork: source?.allowPrivateNetwork ?? false,
      });
      if (page.status !== 'ok') throw new Error(`unexpected ${page.status} for an unconditional fetch`);
      const article = extractArticle(decodeFeed(page.body, page.contentType), page.finalUrl, new Date(item.fetchedAt));
      completed = {
        ...item,
        body: article.text,
        canonicalUrl: article.canonicalUrl !== item.url ? article.canonicalUrl : item.canonicalUrl,
        publishedAt: item.publishedAt ?? article.publishedAt,
      };
      outcome = { status: 'extracted', characters: article.text.length };
    } catch (error) {
      if (error instanceof RescheduleJobError) throw error;
      const permanent = isPermanent(error);
      if (!permanent && !lastAttempt) throw error;
      this.logger.warn(`source=${item.sourceId} url=${item.url} keeps its summary: ${(error as Error).message}`);
      completed = item;
      outcome = { status: 'summary-only', reason: (error as Error).message };
    }
    await this.queue.enqueue(JobName.IngestItem, { item: completed, sourceName });
    return outcome;
  }
}

function isPermanent(error: unknown): boolean {
  const e = error as { transient?: boolean; name?: string };
  if (typeof e.transient === 'boolean') return !e.transient;
  return [
    'RobotsDisallowedError',
    'BlockedAddressError',
    'ResponseTooLargeError',
    'TooManyRedirectsError',
    'DecompressionBombError',
    'ArticleExtractionError',
  ].includes(e.name ?? '');
}
