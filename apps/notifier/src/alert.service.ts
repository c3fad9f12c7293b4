import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import {
  Alert,
  AlertChange,
  alertFromDocument,
  AlertPriority,
  changeOf,
  collapseKeys,
  defaultTaxonomy,
  isAlertworthy,
  RadarDocument,
  Subscription,
} from '@radar/core';
import { renderAlertBatchEmail, renderAlertChangedEmail, renderAlertEmail, SubscriptionLinks } from '@radar/mail';
import { FlushBatchPayload, JobName, JobQueue, RescheduleJobError } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex, UpsertOutcome } from '@radar/search';
import { Clock } from './clock';
import { renderWebhookBody, webhookEvent } from '@radar/webhooks';
import { PendingBatchStore } from './pending-batch.store';

export type MatchOutcome =
  | { status: 'skipped'; reason: string }
  | {
      status: 'alerted';
      alertId: string;
      alert: UpsertOutcome;
      /** Alert emails enqueued at once (INSTANT_BATCH_SECONDS=0). */
      emails: number;
      /** Alerts gathered into a batching window. */
      batched: number;
      /** "Changed" emails enqueued. */
      changes: number;
      /** Webhook posts enqueued (new alerts and changes). */
      webhooks: number;
    };

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
 * Decides: is this document an alert, which alert (near-duplicates of one event from several
 * sources collapse into the first one's alert, see `collapseKeys`), and who must hear of it?
 * With INSTANT_BATCH_SECONDS=0 it renders each email at once and enqueues a send job keyed by
 * subscription + alert. Otherwise it gathers the alert into the subscription's batching window
 * and enqueues that window's `flush-batch` job, which renders the window's alerts once into one
 * email keyed by subscription + window. Delivery ids use the alert id, so a duplicate report
 * never sends again. A real change of the alert's document (a new version with a line diff)
 * sends a "changed" email to those already told, keyed by subscription + alert + version.
 * Webhook subscriptions get the same events as signed posts. The send and deliver handlers are
 * the only code that talks to the mail transport or to receivers, and retries never re-decide.
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
    // Near-duplicates: the first document of an event names its alert; later reports join it.
    const alertId = await this.index.claimAlertKeys(doc.id, collapseKeys(doc));
    const alert = alertFromDocument(doc, now.toISOString(), alertId);
    const outcome = await this.index.upsertAlert(alert);
    await this.metrics.increment('radar_alerts_total', { outcome });
    if (outcome === 'created') {
      await this.metrics.observe('radar_alert_latency_seconds', (now.getTime() - Date.parse(doc.fetchedAt)) / 1000);
    }
    // The stored alert: every source so far, the content of the alert's own document.
    const stored = (await this.index.getAlert(alertId)) ?? alert;
    // Only the alert's own document changing is news; a duplicate's edits are not re-sent.
    const change = stored.documentId === doc.id ? changeOf(doc) : undefined;
    const subscriptions = (await this.index.matchSubscriptions(doc)).filter((s) => wantsInstantAlert(s, alert));
    const counts = { emails: 0, batched: 0, changes: 0, webhooks: 0 };
    for (const subscription of subscriptions) {
      const sent =
        subscription.target?.kind === 'webhook'
          ? await this.notifyWebhook(subscription, stored, change, now)
          : await this.notifyEmail(subscription, stored, doc, change, now.getTime());
      if (sent) counts[sent]++;
    }
    this.logger.log(
      `document=${doc.id} alert=${alertId} ${outcome} priority=${alert.priority} emails=${counts.emails} ` +
        `batched=${counts.batched} changes=${counts.changes} webhooks=${counts.webhooks}`,
    );
    return { status: 'alerted', alertId, alert: outcome, ...counts };
  }

  /**
   * One email subscription's part of a match. A subscription not yet told of the alert gets it
   * (batched or at once); one already told gets a "changed" email when the alert's document has
   * a new version with a real change, under the delivery id `change.<subscription>.<alert>.v<N>`
   * (so an unchanged re-crawl or a retried match sends nothing again). A near-duplicate report of
   * an alert already sent sends nothing.
   */
  private async notifyEmail(
    subscription: Subscription,
    alert: Alert,
    doc: RadarDocument,
    change: AlertChange | undefined,
    nowMs: number,
  ): Promise<'emails' | 'batched' | 'changes' | null> {
    const alertDelivery = `alert.${subscription.id}.${alert.id}`;
    const told = await this.alreadyTold(subscription.id, alert.id, alertDelivery);
    const links = {
      unsubscribeUrl: this.links.unsubscribeUrl(subscription.unsubscribeToken),
      manageUrl: this.links.manageUrl(subscription.email),
    };
    if (told === 'pending') return null;
    if (told === 'told') {
      if (!change) return null;
      const deliveryId = `change.${subscription.id}.${alert.id}.v${change.version}`;
      if (await this.index.getDelivery(deliveryId)) return null;
      const rendered = renderAlertChangedEmail({ alert, change, subscription, taxonomy: this.taxonomy, ...links });
      await this.queue.enqueue(JobName.SendEmail, {
        deliveryId,
        subscriptionId: subscription.id,
        message: { to: subscription.email, ...rendered },
      });
      return 'changes';
    }
    if (this.config.instantBatchSeconds > 0) {
      return (await this.gather(subscription.id, alert.id, nowMs)) ? 'batched' : null;
    }
    const rendered = renderAlertEmail({
      alert,
      document: alert.documentId === doc.id ? doc : ((await this.index.getDocument(alert.documentId)) ?? doc),
      subscription,
      taxonomy: this.taxonomy,
      ...links,
    });
    await this.queue.enqueue(JobName.SendEmail, {
      deliveryId: alertDelivery,
      subscriptionId: subscription.id,
      message: { to: subscription.email, ...rendered },
    });
    return 'emails';
  }

  /**
   * One webhook subscription's part of a match: `alert.created` once per alert (delivery id
   * `wh.<subscription>.<alert>`), then `alert.changed` once per real change of the alert's
   * document (`wh.<subscription>.<alert>.v<N>`). Rendered here in the subscription's format;
   * the deliver job signs and posts it. Not batched: a receiver takes events one by one.
   */
  private async notifyWebhook(
    subscription: Subscription,
    alert: Alert,
    change: AlertChange | undefined,
    now: Date,
  ): Promise<'webhooks' | null> {
    const target = subscription.target;
    if (target?.kind !== 'webhook') return null;
    const createdId = `wh.${subscription.id}.${alert.id}`;
    const told = (await this.index.getDelivery(createdId)) !== null;
    if (told && !change) return null;
    const type = told ? 'alert.changed' : 'alert.created';
    const deliveryId = told ? `${createdId}.v${change!.version}` : createdId;
    if (told && (await this.index.getDelivery(deliveryId))) return null;
    const event = webhookEvent({
      deliveryId,
      type,
      createdAt: now.toISOString(),
      subscription,
      alert,
      // A new alert that is itself a change (a page change) carries its diff too.
      change: told ? change : alert.lastChange,
    });
    await this.queue.enqueue(JobName.DeliverWebhook, {
      deliveryId,
      subscriptionId: subscription.id,
      event: type,
      summary: `${type}: ${alert.title}`.slice(0, 200),
      body: renderWebhookBody(target.format, event, this.taxonomy),
    });
    return 'webhooks';
  }

  /**
   * Has the subscription been told of the alert? `told`: its email went out (a delivery record),
   * or its batching window closed (the flush read the alert). `pending`: it waits in an open
   * window, whose flush will read the alert as it now stands, so nothing more is needed.
   * `new`: never. An alert email enqueued but not yet sent counts as `new`: enqueuing it again
   * under its id is a no-op, and the email shows the alert as it was then rendered.
   */
  private async alreadyTold(
    subscriptionId: string,
    alertId: string,
    alertDelivery: string,
  ): Promise<'told' | 'pending' | 'new'> {
    if (await this.index.getDelivery(alertDelivery)) return 'told';
    const batched = await this.batches.batchedWindow(subscriptionId, alertId);
    if (batched === null) return 'new';
    return batched.closed ? 'told' : 'pending';
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
