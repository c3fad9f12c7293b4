import { JobHandlers, JobName, QueueName, RadarProcessor, RadarWorker } from '@radar/queue';
import { WebhookDeliveryService } from './webhook-delivery.service';

/** Posts to webhook receivers; a slow receiver holds one of these slots, never an email's. */
@RadarWorker(QueueName.Webhook, { concurrency: 10 })
export class WebhookProcessor extends RadarProcessor<QueueName.Webhook> {
  protected readonly queueName = QueueName.Webhook;
  protected readonly handlers: JobHandlers<QueueName.Webhook> = {
    [JobName.DeliverWebhook]: (payload, job) =>
      this.delivery.deliver(payload, { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 }),
  };

  constructor(private readonly delivery: WebhookDeliveryService) {
    super();
  }
}
