import { Injectable, Logger } from '@nestjs/common';
import { Alert, alertFromDocument, AlertPriority, defaultTaxonomy, isAlertworthy, Subscription } from '@radar/core';
import { renderAlertEmail, SubscriptionLinks } from '@radar/mail';
import { JobName, JobQueue } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex, UpsertOutcome } from '@radar/search';

export type MatchOutcome =
  { status: 'skipped'; reason: string } | { status: 'alerted'; alertId: string; alert: UpsertOutcome; emails: number };

const PRIORITY_RANK: Record<AlertPriority, number> = { low: 1, medium: 2, high: 3 };

function intersects(wanted: readonly string[] | undefined, present: readonly string[]): boolean {
  return !wanted || wanted.length === 0 || wanted.some((id) => present.includes(id));
}

/**
 * The preferences half of the decision (the query half is `matchSubscriptions`): an instant
 * subscription whose non-empty sector, area and goal lists each meet the alert's, and whose
 * minimum priority the alert reaches. Daily and weekly subscriptions wait for digests.
 */
export function wantsInstantAlert(
  sub: Subscription,
  alert: Pick<Alert, 'subSectors' | 'focusAreas' | 'advocacyGoals' | 'priority'>,
): boolean {
  if ((sub.frequency ?? 'instant') !== 'instant') return false;
  if (alert.priority === 'none') return false;
  if (PRIORITY_RANK[alert.priority] < PRIORITY_RANK[sub.minPriority ?? 'low']) return false;
  return (
    intersects(sub.sectors, alert.subSectors) &&
    intersects(sub.areas, alert.focusAreas) &&
    intersects(sub.goals, alert.advocacyGoals)
  );
}

/**
 * Decides: is this document an alert, and who must hear of it? Renders each email once and
 * enqueues a send job keyed by subscription + alert; the send handler is the only code that
 * talks to the mail transport, and retries never re-decide.
 */
@Injectable()
export class AlertService {
  private readonly logger = new Logger(AlertService.name);
  private readonly taxonomy = defaultTaxonomy();

  constructor(
    private readonly links: SubscriptionLinks,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
    private readonly metrics: MetricsStore,
  ) {}

  async handleDocument(documentId: string): Promise<MatchOutcome> {
    const doc = await this.index.getDocument(documentId);
    if (!doc) return { status: 'skipped', reason: 'document no longer exists' };
    if (!isAlertworthy(doc)) return { status: 'skipped', reason: 'reports no policy action in a sub-sector' };
    const alert = alertFromDocument(doc, new Date().toISOString());
    const outcome = await this.index.upsertAlert(alert);
    await this.metrics.increment('radar_alerts_total', { outcome });
    if (outcome === 'created') {
      await this.metrics.observe('radar_alert_latency_seconds', (Date.now() - Date.parse(doc.fetchedAt)) / 1000);
    }
    const subscriptions = (await this.index.matchSubscriptions(doc)).filter((s) => wantsInstantAlert(s, alert));
    let emails = 0;
    for (const subscription of subscriptions) {
      const deliveryId = `alert.${subscription.id}.${alert.id}`;
      if (await this.index.getDelivery(deliveryId)) continue;
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
    this.logger.log(`document=${doc.id} alert ${outcome} priority=${alert.priority} emails=${emails}`);
    return { status: 'alerted', alertId: alert.id, alert: outcome, emails };
  }
}
