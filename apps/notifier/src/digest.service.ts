import { Injectable, Logger } from '@nestjs/common';
import {
  Alert,
  defaultTaxonomy,
  focusAreaById,
  matchesDocument,
  parseQuery,
  QueryNode,
  Subscription,
  Taxonomy,
} from '@radar/core';
import { DigestGroup, renderDigestEmail, SubscriptionLinks } from '@radar/mail';
import { DigestPayload, JobName, JobQueue } from '@radar/queue';
import { SearchIndex } from '@radar/search';
import { wantsAlert } from './alert.service';

/** Alerts listed per focus area in a digest; the rest are counted as "and N more". */
export const DIGEST_GROUP_CAP = 10;

export type DigestOutcome =
  { status: 'skipped'; reason: string } | { status: 'enqueued'; deliveryId: string; alerts: number };

const PRIORITY_ORDER: Record<string, number> = { high: 0, medium: 1, low: 2, none: 3 };

/**
 * Groups a digest's alerts by focus area, in taxonomy order, "Other" last. An alert with several
 * areas is listed once, under the first the subscription asked for (else its first). Within a
 * group: higher priority first, then newest first, so a cap keeps what matters.
 */
export function groupByFocusArea(
  alerts: readonly Alert[],
  taxonomy: Taxonomy,
  wanted: readonly string[] = [],
): DigestGroup[] {
  const groups = new Map<string, Alert[]>();
  for (const alert of alerts) {
    const area = alert.focusAreas.find((a) => wanted.includes(a)) ?? alert.focusAreas[0] ?? '';
    groups.set(area, [...(groups.get(area) ?? []), alert]);
  }
  const order = (id: string): number => {
    const i = taxonomy.focusAreas.findIndex((f) => f.id === id);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([id, list]) => ({
      name: id === '' ? 'Other' : (focusAreaById(taxonomy, id)?.name ?? id),
      alerts: [...list].sort(
        (x, y) => PRIORITY_ORDER[x.priority]! - PRIORITY_ORDER[y.priority]! || y.createdAt.localeCompare(x.createdAt),
      ),
    }));
}

function parseSubscriptionQuery(query: string): QueryNode | null {
  try {
    return query.trim() === '' ? { kind: 'all' } : parseQuery(query);
  } catch {
    return null;
  }
}

/**
 * Decides and renders one subscription's digest for one period: the alerts created in the period
 * (and since the subscription was confirmed) that its query and preferences take, the same
 * decision as instant alerts. Renders once and enqueues a send job under the delivery id
 * `digest.<subscription>.<period>`; an empty period sends nothing.
 */
@Injectable()
export class DigestService {
  private readonly logger = new Logger(DigestService.name);
  private readonly taxonomy = defaultTaxonomy();

  constructor(
    private readonly links: SubscriptionLinks,
    private readonly index: SearchIndex,
    private readonly queue: JobQueue,
  ) {}

  async sendDigest(payload: DigestPayload): Promise<DigestOutcome> {
    const deliveryId = `digest.${payload.subscriptionId}.${payload.periodKey}`;
    if (await this.index.getDelivery(deliveryId)) return { status: 'skipped', reason: 'already delivered' };
    const subscription = await this.index.getSubscription(payload.subscriptionId);
    if (!subscription) return { status: 'skipped', reason: 'subscription no longer exists' };
    if (subscription.status !== 'confirmed')
      return { status: 'skipped', reason: `subscription is ${subscription.status}` };
    const alerts = await this.alertsFor(subscription, payload);
    if (alerts.length === 0) return { status: 'skipped', reason: 'no alerts in the period' };
    const rendered = renderDigestEmail({
      frequency: payload.frequency,
      periodLabel: payload.periodKey,
      groups: groupByFocusArea(alerts, this.taxonomy, subscription.areas),
      perGroupCap: DIGEST_GROUP_CAP,
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
    this.logger.log(`delivery=${deliveryId} digest of ${alerts.length} alert(s) enqueued`);
    return { status: 'enqueued', deliveryId, alerts: alerts.length };
  }

  private async alertsFor(subscription: Subscription, { since, until }: DigestPayload): Promise<Alert[]> {
    const start = Math.max(Date.parse(since), Date.parse(subscription.confirmedAt ?? subscription.createdAt));
    const end = Date.parse(until);
    const query = parseSubscriptionQuery(subscription.query);
    if (start >= end || query === null) return [];
    const out: Alert[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.index.listAlerts({ since: new Date(start).toISOString(), limit: 100, cursor });
      for (const alert of page.alerts) {
        const created = Date.parse(alert.createdAt);
        if (created < start || created >= end || !wantsAlert(subscription, alert)) continue;
        const doc = await this.index.getDocument(alert.documentId);
        if (doc && matchesDocument(query, doc)) out.push(alert);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}
