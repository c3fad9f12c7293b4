import { JobHandlers, JobName, QueueName, RadarProcessor, RadarWorker } from '@radar/queue';
import { IngestService } from './ingest.service';

/** Batches carry one feed's new items; single items come from article fetches and from failed batch items. */
@RadarWorker(QueueName.Ingest, { concurrency: 4 })
export class IngestProcessor extends RadarProcessor<QueueName.Ingest> {
  protected readonly queueName = QueueName.Ingest;
  protected readonly handlers: JobHandlers<QueueName.Ingest> = {
    [JobName.IngestItem]: (payload) => this.ingest.ingest(payload.item, payload.sourceName),
    [JobName.IngestBatch]: (payload) => this.ingest.ingestBatch(payload.items, payload.sourceName),
  };

  constructor(private readonly ingest: IngestService) {
    super();
  }
}
