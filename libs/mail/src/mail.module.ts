import { join } from 'node:path';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { MailTransport } from './mail-transport.port';
import { OutboxMailTransport } from './outbox-mail-transport.adapter';
import { SmtpMailTransport } from './smtp-mail-transport.adapter';
import { SubscriptionLinks } from './subscription-links';

export function outboxDir(config: RadarConfig): string {
  return join(config.dataDir, 'outbox');
}

/** SMTP when SMTP_URL is set, otherwise the outbox under DATA_DIR. */
@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [RadarConfig],
      useFactory: (config: RadarConfig): MailTransport =>
        config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new OutboxMailTransport(outboxDir(config)),
    },
    SubscriptionLinks,
  ],
  exports: [MailTransport, SubscriptionLinks],
})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(MailTransport) private readonly transport: MailTransport) {}

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
