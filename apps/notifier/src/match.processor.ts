import { Processor } from '@nestjs/bullmq';
import { JobHandlers, JobName, QueueName, RadarProcessor } from '@radar/queue';
import { AlertService } from './alert.service';

@Processor(QueueName.Match, { concurrency: 4 })
export class MatchProcessor extends RadarProcessor<QueueName.Match> {
  protected readonly queueName = QueueName.Match;
  protected readonly handlers: JobHandlers<QueueName.Match> = {
    [JobName.MatchDocument]: (payload) => this.alerts.handleDocument(payload.documentId),
  };

  constructor(private readonly alerts: AlertService) {
    super();
  }
}
