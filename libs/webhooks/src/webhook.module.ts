import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { WebhookTransport } from './webhook-transport.adapter';

/** The webhook transport configured from WEBHOOK_ALLOW_PRIVATE_NETWORK, WEBHOOK_TIMEOUT_MS and USER_AGENT. */
@Module({
  providers: [
    {
      provide: WebhookTransport,
      inject: [RadarConfig],
      useFactory: (config: RadarConfig) =>
        new WebhookTransport({
          allowPrivateNetwork: config.webhookAllowPrivateNetwork,
          timeoutMs: config.webhookTimeoutMs,
          userAgent: config.userAgent,
        }),
    },
  ],
  exports: [WebhookTransport],
})
export class WebhookModule implements OnApplicationShutdown {
  constructor(@Inject(WebhookTransport) private readonly transport: WebhookTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
