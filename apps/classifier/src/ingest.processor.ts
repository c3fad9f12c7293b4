import { Processor } from '@nestjs/bullmq';
import { JobHandlers, JobName, QueueName, RadarProcessor } from '@radar/queue';
import { IngestService } from './ingest.service';

@Processor(QueueName.Ingest, { concurrency: 8 })
export class IngestProcessor extends RadarProcessor<QueueName.Ingest> {
  protected readonly queueName = QueueName.Ingest;
  protected readonly handlers: JobHandlers<QueueName.Ingest> = {
    [JobName.IngestItem]: (payload) => this.ingest.ingest(payload.item, payload.sourceName),
  };

  constructor(private readonly ingest: IngestService) {
    super();
  }
}
