import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { parseQuery, Subscription } from '@radar/core';
import { renderConfirmation } from '@radar/mail';
import { JobName, JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';

export interface SubscribeRequest {
  email: string;
  query: string;
}

function token(): string {
  return randomBytes(24).toString('base64url');
}

/** Double opt-in: a new subscription is pending, and only its confirmation email is sent. */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger(SubscriptionService.name);

  constructor(
    private readonly config: RadarConfig,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
  ) {}

  /** Creates a pending subscription and sends its confirmation, or returns the live one for the same address and query. */
  async subscribe(req: SubscribeRequest): Promise<{ subscription: Subscription; created: boolean }> {
    const email = req.email.trim().toLowerCase();
    const query = req.query.trim();
    parseQuery(query); // throws QuerySyntaxError (a 400) before anything is stored
    const existing = await this.index.findSubscriptionByEmailAndQuery(email, query);
    if (existing && existing.status !== 'unsubscribed') return { subscription: existing, created: false };
    const subscription: Subscription = {
      id: randomUUID(),
      email,
      query,
      status: 'pending',
      confirmToken: token(),
      unsubscribeToken: token(),
      createdAt: new Date().toISOString(),
    };
    await this.index.saveSubscription(subscription);
    const confirmUrl = `${this.config.publicUrl}/api/subscriptions/confirm?token=${encodeURIComponent(subscription.confirmToken)}`;
    await this.queue.enqueue(JobName.SendEmail, {
      deliveryId: `confirm.${subscription.id}`,
      subscriptionId: subscription.id,
      message: { to: email, ...renderConfirmation({ subscription, confirmUrl }) },
    });
    this.logger.log(`subscription=${subscription.id} pending; confirmation enqueued`);
    return { subscription, created: true };
  }

  async confirm(confirmToken: string): Promise<Subscription | null> {
    const subscription = await this.index.findSubscriptionByToken('confirm', confirmToken);
    if (!subscription || subscription.status === 'unsubscribed') return null;
    if (subscription.status === 'confirmed') return subscription;
    const confirmed: Subscription = { ...subscription, status: 'confirmed', confirmedAt: new Date().toISOString() };
    await this.index.saveSubscription(confirmed);
    this.logger.log(`subscription=${subscription.id} confirmed`);
    return confirmed;
  }

  async unsubscribe(unsubscribeToken: string): Promise<Subscription | null> {
    const subscription = await this.index.findSubscriptionByToken('unsubscribe', unsubscribeToken);
    if (!subscription) return null;
    if (subscription.status === 'unsubscribed') return subscription;
    const done: Subscription = { ...subscription, status: 'unsubscribed' };
    await this.index.saveSubscription(done);
    this.logger.log(`subscription=${subscription.id} unsubscribed`);
    return done;
  }
}
