import { Injectable, Logger } from '@nestjs/common';
import { contentHash, documentId, isAlertworthy, RadarDocument, RawItem } from '@radar/core';
import { diffPage, extractIdentifiers, isEmptyIdentifiers, mergeIdentifiers } from '@radar/crawl';
import { JobName, JobQueue } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex } from '@radar/search';
import { classifyContent } from './document-classification';

export type IngestOutcome =
  | { status: 'unchanged'; documentId: string; version: number }
  | { status: 'created' | 'updated'; documentId: string; version: number };

/**
 * Normalises and classifies one crawled item, stores it as a new document or a new version of the
 * same document, and hands it to the notifier. Idempotent: the durable index decides, by content
 * hash, whether anything changed, so a retried or duplicated job writes nothing twice.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsStore,
  ) {}

  async ingest(item: RawItem, sourceName: string): Promise<IngestOutcome> {
    const id = documentId(item.sourceId, item.guid);
    const hash = contentHash(item);
    const existing = await this.index.getDocument(id);
    if (existing && existing.contentHash === hash) {
      // Stored already; make sure the notifier saw it (a crash may have come between the two).
      if (isAlertworthy(existing)) {
        await this.queue.enqueue(JobName.MatchDocument, { documentId: id, version: existing.version });
      }
      return { status: 'unchanged', documentId: id, version: existing.version };
    }
    const hints =
      item.docTypeHint || item.agencies?.length ? { docType: item.docTypeHint, agencies: item.agencies } : undefined;
    const started = process.hrtime.bigint();
    const classification = classifyContent({ ...item, hints });
    await this.metrics.observe('radar_classification_seconds', Number(process.hrtime.bigint() - started) / 1e9);
    const now = new Date().toISOString();
    const identifiers = mergeIdentifiers(
      item.identifiers,
      extractIdentifiers(`${item.title}\n${item.summary}\n${item.body}`),
    );
    const diff =
      item.diff ?? (existing ? diffPage(existing.body.split('\n'), item.body.split('\n'), false) : undefined);
    const doc: RadarDocument = {
      id,
      version: existing ? existing.version + 1 : 1,
      contentHash: hash,
      sourceId: item.sourceId,
      sourceName,
      url: item.canonicalUrl ?? item.url,
      title: item.title,
      summary: item.summary,
      body: item.body,
      publishedAt: item.publishedAt ?? existing?.publishedAt ?? item.fetchedAt,
      fetchedAt: item.fetchedAt,
      indexedAt: now,
      ...classification,
      identifiers: isEmptyIdentifiers(identifiers) ? undefined : identifiers,
      diff: diff && (diff.added.length || diff.removed.length) ? diff : undefined,
      hints,
    };
    const outcome = await this.index.upsertDocument(doc);
    await this.metrics.increment('radar_documents_ingested_total', { outcome });
    // Only an alert-worthy document (or one that was) can concern the notifier.
    if (isAlertworthy(doc) || (existing && isAlertworthy(existing))) {
      await this.queue.enqueue(JobName.MatchDocument, { documentId: id, version: doc.version });
    }
    this.logger.debug(
      `document=${id} source=${item.sourceId} ${outcome} v${doc.version} sectors=${doc.subSectors.map((s) => s.id).join(',') || '-'}`,
    );
    return { status: existing ? 'updated' : 'created', documentId: id, version: doc.version };
  }
}
