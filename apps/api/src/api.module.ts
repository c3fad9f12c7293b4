import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MailModule } from '@radar/mail';
import { QueueModule } from '@radar/queue';
import { SearchModule } from '@radar/search';
import { SourcesModule } from '@radar/sources';
import { WebhookModule } from '@radar/webhooks';
import { AuthModule } from './auth/auth.module';
import { FeedbackController } from './feedback.controller';
import { FeedsController } from './feeds/feeds.controller';
import { HealthController } from './health.controller';
import { InsightsModule } from './insights/insights.module';
import { MetricsController } from './metrics.controller';
import { OpsModule } from './ops/ops.module';
import { OutboxController } from './outbox.controller';
import { ClientInputErrorFilter } from './client-input-error.filter';
import { SearchController } from './search.controller';
import { SourcesController } from './sources.controller';
import { SubscriptionService } from './subscription.service';
import { SubscriptionsController } from './subscriptions.controller';
import { WebController } from './web.controller';
import { WebhookSubscriptionService } from './webhook-subscription.service';
import { WebhooksController } from './webhooks.controller';

/** The API role: HTTP only; produces `email` jobs (confirmations) but consumes no queue. */
@Module({
  imports: [QueueModule, SearchModule, MailModule, SourcesModule, OpsModule, InsightsModule, WebhookModule, AuthModule],
  controllers: [
    SearchController,
    FeedbackController,
    SourcesController,
    SubscriptionsController,
    HealthController,
    MetricsController,
    OutboxController,
    WebController,
    FeedsController,
    WebhooksController,
  ],
  providers: [
    SubscriptionService,
    WebhookSubscriptionService,
    { provide: APP_FILTER, useClass: ClientInputErrorFilter },
  ],
})
export class ApiModule {}
