import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { MailModule } from '@radar/mail';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { AlertService } from './alert.service';
import { Clock, SystemClock } from './clock';
import { DeliveryService } from './delivery.service';
import { DigestScheduleService } from './digest-schedule.service';
import { DigestService } from './digest.service';
import { EmailProcessor } from './email.processor';
import { MatchProcessor } from './match.processor';
import { PendingBatchStore } from './pending-batch.store';

/**
 * The notifier role: consumes `match` (decide and render: instant alerts, batches, digests) and
 * `email` (deliver); owns the digest schedule, which only enqueues.
 */
@Module({
  imports: [ScheduleModule.forRoot(), QueueModule, SearchModule, MailModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    AlertService,
    DigestService,
    DigestScheduleService,
    PendingBatchStore,
    DeliveryService,
    MatchProcessor,
    EmailProcessor,
  ],
})
export class NotifierModule {}
