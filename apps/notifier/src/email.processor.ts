import { JobHandlers, JobName, QueueName, RadarProcessor, RadarWorker } from '@radar/queue';
import { DeliveryService } from './delivery.service';

@RadarWorker(QueueName.Email, { concurrency: 10 })
export class EmailProcessor extends RadarProcessor<QueueName.Email> {
  protected readonly queueName = QueueName.Email;
  protected readonly handlers: JobHandlers<QueueName.Email> = {
    [JobName.SendEmail]: (payload) => this.delivery.deliver(payload),
  };

  constructor(private readonly delivery: DeliveryService) {
    super();
  }
}
