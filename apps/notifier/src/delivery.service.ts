import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { MailTransport, PermanentMailError } from '@radar/mail';
import { PermanentJobError, SendEmailPayload } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex } from '@radar/search';

export type DeliveryOutcome = { status: 'sent' } | { status: 'skipped'; reason: string };

/**
 * The only code that hands mail to the transport. A durable delivery record (written after the
 * transport accepts) makes a retried or duplicated job a no-op.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger(DeliveryService.name);

  constructor(
    private readonly config: RadarConfig,
    private readonly index: SearchIndex,
    private readonly transport: MailTransport,
    private readonly metrics: MetricsStore,
  ) {}

  async deliver({ deliveryId, subscriptionId, message }: SendEmailPayload): Promise<DeliveryOutcome> {
    if (await this.index.getDelivery(deliveryId)) return { status: 'skipped', reason: 'already delivered' };
    const subscription = await this.index.getSubscription(subscriptionId);
    if (!subscription) return { status: 'skipped', reason: 'subscription no longer exists' };
    const isConfirmation = deliveryId.startsWith('confirm.');
    if (subscription.status === 'unsubscribed') return { status: 'skipped', reason: 'unsubscribed' };
    if (!isConfirmation && subscription.status !== 'confirmed') return { status: 'skipped', reason: 'not confirmed' };
    try {
      await this.transport.send({
        from: this.config.mailFrom,
        ...message,
        messageId: `<${deliveryId}@policy-radar>`,
      });
    } catch (error) {
      await this.metrics.increment('radar_emails_total', {
        outcome: error instanceof PermanentMailError ? 'refused' : 'failed',
      });
      if (error instanceof PermanentMailError) throw new PermanentJobError(error.message);
      throw error;
    }
    await this.metrics.increment('radar_emails_total', { outcome: 'sent' });
    await this.index.recordDelivery({
      id: deliveryId,
      subscriptionId,
      email: message.to,
      subject: message.subject,
      sentAt: new Date().toISOString(),
    });
    this.logger.log(`delivery=${deliveryId} sent to subscription=${subscriptionId}`);
    return { status: 'sent' };
  }
}
