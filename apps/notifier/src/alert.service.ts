import { Injectable, Logger } from '@nestjs/common';
import { RadarConfig } from '@radar/config';
import { alertFromDocument, defaultTaxonomy, isAlertworthy } from '@radar/core';
import { renderAlertEmail } from '@radar/mail';
import { JobName, JobQueue } from '@radar/queue';
import { MetricsStore } from '@radar/metrics';
import { SearchIndex, UpsertOutcome } from '@radar/search';

export type MatchOutcome =
  { status: 'skipped'; reason: string } | { status: 'alerted'; alertId: string; alert: UpsertOutcome; emails: number };

/** Unsubscribe link of a subscription (its token is an unguessable secret). */
export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/api/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`;
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
    private readonly config: RadarConfig,
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
    const subscriptions = await this.index.matchSubscriptions(doc);
    let emails = 0;
    for (const subscription of subscriptions) {
      const deliveryId = `alert.${subscription.id}.${alert.id}`;
      if (await this.index.getDelivery(deliveryId)) continue;
      const rendered = renderAlertEmail({
        alert,
        document: doc,
        subscription,
        taxonomy: this.taxonomy,
        unsubscribeUrl: unsubscribeUrl(this.config.publicUrl, subscription.unsubscribeToken),
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
