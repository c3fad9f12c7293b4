import { Module } from '@nestjs/common';
import { MailModule } from '@radar/mail';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { AlertService } from './alert.service';
import { DeliveryService } from './delivery.service';
import { EmailProcessor } from './email.processor';
import { MatchProcessor } from './match.processor';

/** The notifier role: consumes `match` (decide and render) and `email` (deliver). */
@Module({
  imports: [QueueModule, SearchModule, MailModule],
  providers: [AlertService, DeliveryService, MatchProcessor, EmailProcessor],
})
export class NotifierModule {}
