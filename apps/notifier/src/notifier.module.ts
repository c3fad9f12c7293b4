import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MailModule } from '@radar/mail';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { WebhookModule } from '@radar/webhooks';
import { AlertService } from './alert.service';
import { Clock, SystemClock } from './clock';
import { DeliveryService } from './delivery.service';
import { DigestScheduleService } from './digest-schedule.service';
import { DigestService } from './digest.service';
import { EmailProcessor } from './email.processor';
import { MatchProcessor } from './match.processor';
import { PendingBatchStore } from './pending-batch.store';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookProcessor } from './webhook.processor';

/**
 * The notifier role: consumes `match` (decide and render: instant alerts, changes, batches,
 * digests), `email` and `webhook` (deliver); owns the digest schedule, which only enqueues.
 */
@Module({
  imports: [ScheduleModule.forRoot(), QueueModule, SearchModule, MailModule, WebhookModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    AlertService,
    DigestService,
    DigestScheduleService,
    PendingBatchStore,
    DeliveryService,
    MatchProcessor,
    EmailProcessor,
    WebhookDeliveryService,
    WebhookProcessor,
  ],
})
export class NotifierModule {}
