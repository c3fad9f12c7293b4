import { Injectable, Logger } from '@nestjs/common';
import { Classification, contentHash, documentId, isAlertworthy, RadarDocument, RawItem } from '@radar/core';
import { diffPage, extractIdentifiers, isEmptyIdentifiers, mergeIdentifiers } from '@radar/crawl';
import { JobName, JobQueue, MatchDocumentPayload } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex, UpsertOutcome } from '@radar/search';
import { ClassifierPool } from './classifier-pool';

export type IngestOutcome =
  | { status: 'unchanged'; documentId: string; version: number }
  | { status: 'created' | 'updated'; documentId: string; version: number };

export interface IngestBatchOutcome {
  items: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Items that failed in the batch and were handed on as `ingest-item` jobs of their own. */
  deferred: number;
}

type ItemResult = IngestOutcome | { status: 'failed'; documentId: string; error: Error };

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** What the source itself states about an item (kept with the document so a re-tag agrees). */
const hintsOf = (item: RawItem): RadarDocument['hints'] =>
  item.docTypeHint || item.agencies?.length ? { docType: item.docTypeHint, agencies: item.agencies } : undefined;

/** The non-blank lines a reader sees (title, summary, body): what a version's diff compares. */
const readerLines = (d: { title: string; summary: string; body: string }): string[] =>
  [d.title, d.summary, d.body].flatMap((text) => (text ?? '').split('\n')).filter((line) => line.trim() !== '');

/**
 * Normalises and classifies crawled items, stores each as a new document or a new version of the
 * same document, and hands the alert-worthy ones to the notifier. Idempotent: the durable index
 * decides, by content hash, whether anything changed, so a retried or duplicated job writes
 * nothing twice (and makes sure the notifier saw what it wrote, in case a crash came between).
 *
 * A batch (one feed's new items) costs one index read, one index write (one SQLite transaction or
 * Elasticsearch bulk request), one `addBulk` of match jobs and a few metric updates, instead of
 * that many per item. Failures stay per item: an item that cannot be classified or written is
 * handed on as its own `ingest-item` job (with its own attempts and back-off) while the rest of
 * the batch is stored; a failure of the whole step (index or Redis unreachable) fails the batch,
 * whose retry rewrites nothing that was stored.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);

  constructor(
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsStore,
    private readonly classifier: ClassifierPool,
  ) {}

  /** One item (an `ingest-item` job): throws when it cannot be stored, so the job retries. */
  async ingest(item: RawItem, sourceName: string): Promise<IngestOutcome> {
    const [result] = await this.write([item], sourceName);
    if (result.status === 'failed') throw result.error;
    return result;
  }

  /** A batch (an `ingest-batch` job): stores what it can, hands each failed item on as its own job. */
  async ingestBatch(items: readonly RawItem[], sourceName: string): Promise<IngestBatchOutcome> {
    const results = await this.write(items, sourceName);
    const failed = items.filter((_, i) => results[i].status === 'failed');
    results.forEach((r) => {
      if (r.status === 'failed') {
        this.logger.warn(`document=${r.documentId} failed in a batch, retried as its own job: ${r.error.message}`);
      }
    });
    await this.queue.enqueueMany(
      JobName.IngestItem,
      failed.map((item) => ({ item, sourceName })),
    );
    const outcome: IngestBatchOutcome = { items: items.length, created: 0, updated: 0, unchanged: 0, deferred: 0 };
    for (const r of results) {
      if (r.status === 'failed') outcome.deferred++;
      else outcome[r.status]++;
    }
    this.logger.debug(
      `source=${items[0]?.sourceId} batch of ${items.length}: created=${outcome.created} updated=${outcome.updated} unchanged=${outcome.unchanged} deferred=${outcome.deferred}`,
    );
    return outcome;
  }

  /** Classifies and stores items; one result per item, in order. */
  private async write(items: readonly RawItem[], sourceName: string): Promise<ItemResult[]> {
    const ids = items.map((item) => documentId(item.sourceId, item.guid));
    // A feed listing one item twice: later copies go in later rounds, each judged against the
    // copy stored before it (as separate jobs would be, in order).
    const rounds: number[][] = [];
    const copies = new Map<string, number>();
    ids.forEach((id, i) => {
      const n = copies.get(id) ?? 0;
      copies.set(id, n + 1);
      (rounds[n] ??= []).push(i);
    });
    const results = new Array<ItemResult>(items.length);
    for (const round of rounds) await this.writeRound(round, items, ids, sourceName, results);
    return results;
  }

  private async writeRound(
    positions: readonly number[],
    items: readonly RawItem[],
    ids: readonly string[],
    sourceName: string,
    results: ItemResult[],
  ): Promise<void> {
    const stored = await this.index.getDocuments(positions.map((i) => ids[i]));
    const matches: MatchDocumentPayload[] = [];
    const changed: { position: number; hash: string; existing: RadarDocument | null }[] = [];
    positions.forEach((i, k) => {
      const existing = stored[k];
      const hash = contentHash(items[i]);
      if (existing && existing.contentHash === hash) {
        results[i] = { status: 'unchanged', documentId: ids[i], version: existing.version };
        // Stored already; make sure the notifier saw it (a crash may have come between the two).
        if (isAlertworthy(existing)) matches.push({ documentId: ids[i], version: existing.version });
      } else {
        changed.push({ position: i, hash, existing });
      }
    });
    const classified = await this.classifier.classifyMany(
      changed.map(({ position }) => {
        const { title, summary, body, url, sourceId } = items[position];
        return { title, summary, body, url, sourceId, hints: hintsOf(items[position]) };
      }),
    );
    const docs: RadarDocument[] = [];
    const owners: { position: number; existing: RadarDocument | null }[] = [];
    let classifySeconds = 0;
    changed.forEach(({ position, hash, existing }, k) => {
      const result = classified[k];
      classifySeconds += result.seconds;
      try {
        if ('error' in result) throw new Error(`classification failed: ${result.error}`);
        docs.push(this.document(items[position], sourceName, ids[position], hash, existing, result.classification));
        owners.push({ position, existing });
      } catch (error) {
        results[position] = { status: 'failed', documentId: ids[position], error: asError(error) };
      }
    });
    if (docs.length > 0) {
      await this.metrics.observe('radar_classification_seconds', classifySeconds, docs.length);
    }
    const written = docs.length > 0 ? await this.index.upsertDocuments(docs) : [];
    const counts = new Map<UpsertOutcome, number>();
    written.forEach((w, k) => {
      const doc = docs[k];
      const { position, existing } = owners[k];
      if (w.outcome === 'failed') {
        results[position] = { status: 'failed', documentId: doc.id, error: new Error(w.error) };
        return;
      }
      counts.set(w.outcome, (counts.get(w.outcome) ?? 0) + 1);
      results[position] = { status: existing ? 'updated' : 'created', documentId: doc.id, version: doc.version };
      // Only an alert-worthy document (or one that was) can concern the notifier.
      if (isAlertworthy(doc) || (existing && isAlertworthy(existing))) {
        matches.push({ documentId: doc.id, version: doc.version });
      }
    });
    for (const [outcome, n] of counts) await this.metrics.increment('radar_documents_ingested_total', { outcome }, n);
    await this.queue.enqueueMany(JobName.MatchDocument, matches);
  }

  /** The stored form of an item: its classification, identifiers and the diff from the stored version. */
  private document(
    item: RawItem,
    sourceName: string,
    id: string,
    hash: string,
    existing: RadarDocument | null,
    classification: Classification,
  ): RadarDocument {
    const identifiers = mergeIdentifiers(
      item.identifiers,
      extractIdentifiers(`${item.title}\n${item.summary}\n${item.body}`),
    );
    const diff = item.diff ?? (existing ? diffPage(readerLines(existing), readerLines(item), false) : undefined);
    return {
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
      indexedAt: new Date().toISOString(),
      ...classification,
      identifiers: isEmptyIdentifiers(identifiers) ? undefined : identifiers,
      diff: diff && (diff.added.length || diff.removed.length) ? diff : undefined,
      hints: hintsOf(item),
    };
  }
}
