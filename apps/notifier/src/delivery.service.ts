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
    if (subscription.status === 'bounced') return { status: 'skipped', reason: 'bounced' };
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
      if (error instanceof PermanentMailError) {
        const marked = await this.markBounced(subscription.email);
        this.logger.warn(
          `delivery=${deliveryId} refused for good; ${marked} subscription(s) of the address marked bounced`,
        );
        throw new PermanentJobError(error.message);
      }
      throw error; // 4xx or connection failure: the job retries with back-off
    }
    // Recorded before anything else: until this row exists a crash resends the message, so
    // nothing (not even a metrics round trip to Redis) may come between acceptance and record.
    await this.index.recordDelivery({
      id: deliveryId,
      subscriptionId,
      email: message.to,
      subject: message.subject,
      sentAt: new Date().toISOString(),
    });
    await this.metrics.increment('radar_emails_total', { outcome: 'sent' });
    this.logger.log(`delivery=${deliveryId} sent to subscription=${subscriptionId}`);
    return { status: 'sent' };
  }

  /**
   * A 5xx refusal is about the address, not one subscription: every pending or confirmed
   * subscription of it becomes `bounced` (matching and delivery skip it). Unsubscribed ones stay
   * as the subscriber left them. Returns how many were marked.
   */
  private async markBounced(email: string): Promise<number> {
    const bouncedAt = new Date().toISOString();
    let marked = 0;
    for (const sub of await this.index.listSubscriptions({ email })) {
      if (sub.status === 'bounced' || sub.status === 'unsubscribed') continue;
      await this.index.saveSubscription({ ...sub, status: 'bounced', bouncedAt });
      marked++;
    }
    return marked;
  }
}
