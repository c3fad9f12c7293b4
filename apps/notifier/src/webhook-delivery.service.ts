import { Injectable, Logger } from '@nestjs/common';
import type { Subscription } from '@radar/core';
import { MetricsStore } from '@radar/metrics';
import { DeliverWebhookPayload, PermanentJobError } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { webhookHeaders, WebhookTransport } from '@radar/webhooks';
import { Clock } from './clock';

export type WebhookDeliveryOutcome = { status: 'sent'; httpStatus: number } | { status: 'skipped'; reason: string };

/** Where a job is in its attempts (1-based `attempt` of `attempts`). */
export interface AttemptInfo {
  attempt: number;
  attempts: number;
}

/**
 * The only code that posts alerts to webhook receivers (through WebhookTransport). A durable
 * delivery record, written once the receiver answers 2xx, makes a retried or duplicated job a
 * no-op, so our side never posts one delivery twice after a success (a receiver that answers
 * after our deadline may still see a retry: it dedupes on X-Radar-Delivery).
 *
 * Outcomes: 2xx sent; 408/429/5xx/timeouts/connection errors throw, and BullMQ retries with
 * back-off; any other answer (or a refused address) is a permanent failure: recorded on the
 * subscription (`lastFailure`) and the job fails at once. 410 Gone also disables the
 * subscription (status `bounced`): the receiver said it is gone for good. A transient failure on
 * the last attempt is recorded the same way.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly index: SearchIndex,
    private readonly transport: WebhookTransport,
    private readonly metrics: MetricsStore,
    private readonly clock: Clock,
  ) {}

  async deliver(
    payload: DeliverWebhookPayload,
    { attempt, attempts }: AttemptInfo = { attempt: 1, attempts: 1 },
  ): Promise<WebhookDeliveryOutcome> {
    const { deliveryId, subscriptionId, event, body } = payload;
    if (await this.index.getDelivery(deliveryId)) return { status: 'skipped', reason: 'already delivered' };
    const subscription = await this.index.getSubscription(subscriptionId);
    if (!subscription) return { status: 'skipped', reason: 'subscription no longer exists' };
    if (subscription.target?.kind !== 'webhook' || !subscription.webhookSecret) {
      return { status: 'skipped', reason: 'not a webhook subscription' };
    }
    if (subscription.status !== 'confirmed')
      return { status: 'skipped', reason: `subscription is ${subscription.status}` };
    const now = this.clock.now();
    const result = await this.transport.post({
      url: subscription.target.url,
      body,
      headers: webhookHeaders(subscription.webhookSecret, deliveryId, event, body, now.getTime() / 1000),
    });
    if (result.ok) {
      // Recorded first: until this row exists a crash posts again.
      await this.index.recordDelivery({
        id: deliveryId,
        subscriptionId,
        email: '',
        subject: payload.summary,
        sentAt: new Date().toISOString(),
      });
      await this.metrics.increment('radar_webhooks_total', { outcome: 'sent' });
      this.logger.log(`delivery=${deliveryId} webhook answered ${result.status} in ${result.durationMs} ms`);
      return { status: 'sent', httpStatus: result.status };
    }
    await this.metrics.increment('radar_webhooks_total', { outcome: result.permanent ? 'refused' : 'failed' });
    if (result.permanent || attempt >= attempts) {
      await this.recordFailure(subscription, deliveryId, result.message, result.status);
      this.logger.warn(
        `delivery=${deliveryId} subscription=${subscriptionId} webhook failed for good` +
          `${result.permanent ? '' : ` after ${attempts} attempts`}: ${result.message}`,
      );
      if (result.permanent) throw new PermanentJobError(result.message);
      throw new Error(result.message);
    }
    this.logger.warn(`delivery=${deliveryId} attempt ${attempt}/${attempts} failed, will retry: ${result.message}`);
    throw new Error(result.message);
  }

  private async recordFailure(sub: Subscription, deliveryId: string, message: string, status?: number): Promise<void> {
    const at = new Date().toISOString();
    const gone = status === 410;
    const next: Subscription = {
      ...sub,
      lastFailure: { at, deliveryId, message, ...(status !== undefined ? { status } : {}) },
      ...(gone ? { status: 'bounced' as const, bouncedAt: at } : {}),
    };
    await this.index.saveSubscription(next);
    if (gone) this.logger.warn(`subscription=${sub.id} disabled: its webhook answered 410 Gone`);
  }
}
