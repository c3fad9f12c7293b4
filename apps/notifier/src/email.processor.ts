import { Processor } from '@nestjs/bullmq';
import { JobHandlers, JobName, QueueName, RadarProcessor } from '@radar/queue';
import { DeliveryService } from './delivery.service';

@Processor(QueueName.Email, { concurrency: 10 })
export class EmailProcessor extends RadarProcessor<QueueName.Email> {
  protected readonly queueName = QueueName.Email;
  protected readonly handlers: JobHandlers<QueueName.Email> = {
    [JobName.SendEmail]: (payload) => this.delivery.deliver(payload),
  };

  constructor(private readonly delivery: DeliveryService) {
    super();
  }
}
