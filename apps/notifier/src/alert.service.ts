import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { Alert, alertFromDocument, AlertPriority, defaultTaxonomy, isAlertworthy, Subscription } from '@radar/core';
import { renderAlertBatchEmail, renderAlertEmail, SubscriptionLinks } from '@radar/mail';
import { FlushBatchPayload, JobName, JobQueue, RescheduleJobError } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex, UpsertOutcome } from '@radar/search';
import { Clock } from './clock';
import { PendingBatchStore } from './pending-batch.store';

export type MatchOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'alerted'; alertId: string; alert: UpsertOutcome; emails: number; batched: number };

export type FlushOutcome =
  { status: 'skipped'; reason: string } | { status: 'enqueued'; deliveryId: string; alerts: number };

const PRIORITY_RANK: Record<AlertPriority, number> = { low: 1, medium: 2, high: 3 };

function intersects(wanted: readonly string[] | undefined, present: readonly string[]): boolean {
  return !wanted || wanted.length === 0 || wanted.some((id) => present.includes(id));
}

type AlertTags = Pick<Alert, 'subSectors' | 'focusAreas' | 'advocacyGoals' | 'priority'>;

/**
 * The preferences half of the decision (the query half is `matchSubscriptions`), whatever the
 * frequency: the subscription's non-empty sector, area and goal lists each meet the alert's, and
 * the alert reaches its minimum priority.
 */
export function wantsAlert(sub: Subscription, alert: AlertTags): boolean {
  if (alert.priority === 'none') return false;
  if (PRIORITY_RANK[alert.priority] < PRIORITY_RANK[sub.minPriority ?? 'low']) return false;
  return (
    intersects(sub.sectors, alert.subSectors) &&
    intersects(sub.areas, alert.focusAreas) &&
    intersects(sub.goals, alert.advocacyGoals)
  );
}

/** `wantsAlert` for an instant subscription; daily and weekly subscriptions wait for digests. */
export function wantsInstantAlert(sub: Subscription, alert: AlertTags): boolean {
  return (sub.frequency ?? 'instant') === 'instant' && wantsAlert(sub, alert);
}

/** The window an instant alert at `nowMs` belongs to: windows are aligned, so every worker agrees. */
export function batchWindowStart(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/**
 * Decides: is this document an alert, and who must hear of it? With INSTANT_BATCH_SECONDS=0 it
 * renders each email at once and enqueues a send job keyed by subscription + alert. Otherwise it
 * gathers the alert into the subscription's batching window and enqueues that window's
 * `flush-batch` job, which renders the window's alerts once into one email keyed by subscription
 * + window. The send handler is the only code that talks to the mail transport, and retries
 * never re-decide.
 */
@Injectable()
export class AlertService {
  private readonly logger = new Logger(AlertService.name);
  private readonly taxonomy = defaultTaxonomy();

  constructor(
    private readonly config: RadarConfig,
    private readonly links: SubscriptionLinks,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsStore,
    private readonly batches: PendingBatchStore,
    private readonly clock: Clock,
  ) {}

  async handleDocument(documentId: string): Promise<MatchOutcome> {
    const doc = await this.index.getDocument(documentId);
    if (!doc) return { status: 'skipped', reason: 'document no longer exists' };
    if (!isAlertworthy(doc)) return { status: 'skipped', reason: 'reports no policy action in a sub-sector' };
    const now = this.clock.now();
    const alert = alertFromDocument(doc, now.toISOString());
    const outcome = await this.index.upsertAlert(alert);
    await this.metrics.increment('radar_alerts_total', { outcome });
    if (outcome === 'created') {
      await this.metrics.observe('radar_alert_latency_seconds', (now.getTime() - Date.parse(doc.fetchedAt)) / 1000);
    }
    const subscriptions = (await this.index.matchSubscriptions(doc)).filter((s) => wantsInstantAlert(s, alert));
    let emails = 0;
    let batched = 0;
    for (const subscription of subscriptions) {
      const deliveryId = `alert.${subscription.id}.${alert.id}`;
      if (await this.index.getDelivery(deliveryId)) continue;
      if (this.config.instantBatchSeconds > 0) {
        if (await this.gather(subscription.id, alert.id, now.getTime())) batched++;
        continue;
      }
      const rendered = renderAlertEmail({
        alert,
        document: doc,
        subscription,
        taxonomy: this.taxonomy,
        unsubscribeUrl: this.links.unsubscribeUrl(subscription.unsubscribeToken),
        manageUrl: this.links.manageUrl(subscription.email),
      });
      await this.queue.enqueue(JobName.SendEmail, {
        deliveryId,
        subscriptionId: subscription.id,
        message: { to: subscription.email, ...rendered },
      });
      emails++;
    }
    this.logger.log(
      `document=${doc.id} alert ${outcome} priority=${alert.priority} emails=${emails} batched=${batched}`,
    );
    return { status: 'alerted', alertId: alert.id, alert: outcome, emails, batched };
  }

  /**
   * Puts the alert in the subscription's current window (or the next, when the current one has
   * just been flushed) and makes sure that window's flush job exists. An alert already batched
   * for the subscription (an earlier version of the document) is not added again; its window's
   * flush is enqueued again, a no-op unless a crash came between the two steps. True when added.
   */
  private async gather(subscriptionId: string, alertId: string, nowMs: number): Promise<boolean> {
    const windowMs = this.config.instantBatchSeconds * 1000;
    const current = batchWindowStart(nowMs, windowMs);
    let added = await this.batches.add(subscriptionId, alertId, current, nowMs);
    if (added.status === 'closed') added = await this.batches.add(subscriptionId, alertId, current + windowMs, nowMs);
    if (added.status === 'closed')
      throw new Error(`batching windows of subscription=${subscriptionId} are closed early`);
    await this.queue.enqueue(JobName.FlushBatch, {
      subscriptionId,
      windowStart: added.windowStart,
      notBefore: added.windowStart + windowMs,
    });
    return added.status === 'added';
  }

  /**
   * Closes a batching window once it has ended and renders its alerts into one email (the single
   * alert email when it holds one), enqueued under the delivery id `batch.<subscription>.<start>`.
   * Closing is idempotent, so a retried flush renders the same alerts under the same id.
   */
  async flushBatch({ subscriptionId, windowStart, notBefore }: FlushBatchPayload): Promise<FlushOutcome> {
    if (this.clock.now().getTime() < notBefore) throw new RescheduleJobError(notBefore, 'batching window still open');
    const deliveryId = `batch.${subscriptionId}.${windowStart}`;
    if (await this.index.getDelivery(deliveryId)) return { status: 'skipped', reason: 'already delivered' };
    const subscription = await this.index.getSubscription(subscriptionId);
    if (!subscription) return { status: 'skipped', reason: 'subscription no longer exists' };
    if (subscription.status !== 'confirmed')
      return { status: 'skipped', reason: `subscription is ${subscription.status}` };
    const ids = await this.batches.close(subscriptionId, windowStart);
    const alerts = (await Promise.all(ids.map((id) => this.index.getAlert(id)))).filter((a): a is Alert => a !== null);
    if (alerts.length === 0) return { status: 'skipped', reason: 'no alerts in the window' };
    const links = {
      unsubscribeUrl: this.links.unsubscribeUrl(subscription.unsubscribeToken),
      manageUrl: this.links.manageUrl(subscription.email),
    };
    const only = alerts.length === 1 ? await this.index.getDocument(alerts[0]!.documentId) : null;
    const rendered = only
      ? renderAlertEmail({ alert: alerts[0]!, document: only, subscription, taxonomy: this.taxonomy, ...links })
      : renderAlertBatchEmail({ alerts, subscription, taxonomy: this.taxonomy, ...links });
    await this.queue.enqueue(JobName.SendEmail, {
      deliveryId,
      subscriptionId,
      message: { to: subscription.email, ...rendered },
    });
    this.logger.log(`delivery=${deliveryId} batch of ${alerts.length} alert(s) enqueued`);
    return { status: 'enqueued', deliveryId, alerts: alerts.length };
  }
}
