import { JobHandlers, JobName, QueueName, RadarProcessor, RadarWorker } from '@radar/queue';
import { AlertService } from './alert.service';
import { DigestService } from './digest.service';

/** The notifier's deciding and rendering jobs: instant alerts, their batches, digests. */
@RadarWorker(QueueName.Match, { concurrency: 4 })
export class MatchProcessor extends RadarProcessor<QueueName.Match> {
  protected readonly queueName = QueueName.Match;
  protected readonly handlers: JobHandlers<QueueName.Match> = {
    [JobName.MatchDocument]: (payload) => this.alerts.handleDocument(payload.documentId),
    [JobName.FlushBatch]: (payload) => this.alerts.flushBatch(payload),
    [JobName.Digest]: (payload) => this.digests.sendDigest(payload),
  };

  constructor(
    private readonly alerts: AlertService,
    private readonly digests: DigestService,
  ) {
    super();
  }
}
