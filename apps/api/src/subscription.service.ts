import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AlertPriority, parseQuery, Subscription, SubscriptionFrequency } from '@radar/core';
import { renderConfirmation, SubscriptionLinks } from '@radar/mail';
import { JobName, JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';

export interface SubscribeRequest {
  email: string;
  query: string;
  sectors?: string[];
  areas?: string[];
  goals?: string[];
  minPriority?: AlertPriority;
  frequency?: SubscriptionFrequency;
  timeZone?: string;
}

/** What makes two subscriptions of one address the same: query and every preference, defaults filled in. */
type Preferences = Required<
  Pick<Subscription, 'sectors' | 'areas' | 'goals' | 'minPriority' | 'frequency' | 'timeZone'>
>;

function token(): string {
  return randomBytes(24).toString('base64url');
}

const ids = (list: readonly string[] | undefined): string[] => [...new Set(list ?? [])].sort();

export function normalizePreferences(p: Partial<Subscription>): Preferences {
  return {
    sectors: ids(p.sectors),
    areas: ids(p.areas),
    goals: ids(p.goals),
    minPriority: p.minPriority ?? 'low',
    frequency: p.frequency ?? 'instant',
    timeZone: p.timeZone ?? 'UTC',
  };
}

function samePreferences(a: Preferences, b: Preferences): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const LIVE: ReadonlySet<Subscription['status']> = new Set(['pending', 'confirmed']);

/** Double opt-in: a new subscription is pending, and only its confirmation email is sent. */
@Injectable()
export class SubscriptionService {
  private readonly logger = new Logger(SubscriptionService.name);

  constructor(
    private readonly links: SubscriptionLinks,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
  ) {}

  /**
   * Creates a pending subscription and sends its confirmation, or returns the live (pending or
   * confirmed) one of the same address with the same query and preferences. Different
   * preferences make a new subscription, confirmed on its own: an unconfirmed request never
   * changes one already confirmed (anyone can type an address). Changing preferences is
   * unsubscribe + subscribe, from the manage page.
   */
  async subscribe(req: SubscribeRequest): Promise<{ subscription: Subscription; created: boolean }> {
    const email = req.email.trim().toLowerCase();
    const query = req.query.trim();
    parseQuery(query); // throws QuerySyntaxError (a 400) before anything is stored
    const prefs = normalizePreferences(req);
    const existing = (await this.index.listSubscriptions({ email })).find(
      (s) => LIVE.has(s.status) && s.query === query && samePreferences(normalizePreferences(s), prefs),
    );
    if (existing) return { subscription: existing, created: false };
    const subscription: Subscription = {
      id: randomUUID(),
      email,
      query,
      status: 'pending',
      confirmToken: token(),
      unsubscribeToken: token(),
      createdAt: new Date().toISOString(),
      ...prefs,
    };
    await this.index.saveSubscription(subscription);
    await this.queue.enqueue(JobName.SendEmail, {
      deliveryId: `confirm.${subscription.id}`,
      subscriptionId: subscription.id,
      message: {
        to: email,
        ...renderConfirmation({
          subscription,
          confirmUrl: this.links.confirmUrl(subscription.confirmToken),
          unsubscribeUrl: this.links.unsubscribeUrl(subscription.unsubscribeToken),
          manageUrl: this.links.manageUrl(email),
        }),
      },
    });
    this.logger.log(`subscription=${subscription.id} pending; confirmation enqueued`);
    return { subscription, created: true };
  }

  async confirm(confirmToken: string): Promise<Subscription | null> {
    const subscription = await this.index.findSubscriptionByToken('confirm', confirmToken);
    if (!subscription || !LIVE.has(subscription.status)) return null;
    if (subscription.status === 'confirmed') return subscription;
    const confirmed: Subscription = { ...subscription, status: 'confirmed', confirmedAt: new Date().toISOString() };
    await this.index.saveSubscription(confirmed);
    this.logger.log(`subscription=${subscription.id} confirmed`);
    return confirmed;
  }

  async unsubscribe(unsubscribeToken: string): Promise<Subscription | null> {
    const subscription = await this.index.findSubscriptionByToken('unsubscribe', unsubscribeToken);
    if (!subscription) return null;
    return this.markUnsubscribed(subscription);
  }

  /** Every subscription of an address (the manage page), oldest first. */
  async listForEmail(email: string): Promise<Subscription[]> {
    return this.index.listSubscriptions({ email });
  }

  /** Unsubscribes one subscription of the address the manage token was signed for; null when it is not theirs. */
  async unsubscribeOwned(email: string, id: string): Promise<Subscription | null> {
    const subscription = await this.index.getSubscription(id);
    if (!subscription || subscription.email !== email) return null;
    return this.markUnsubscribed(subscription);
  }

  private async markUnsubscribed(subscription: Subscription): Promise<Subscription> {
    if (subscription.status === 'unsubscribed') return subscription;
    const done: Subscription = { ...subscription, status: 'unsubscribed' };
    await this.index.saveSubscription(done);
    this.logger.log(`subscription=${subscription.id} unsubscribed`);
    return done;
  }
}
