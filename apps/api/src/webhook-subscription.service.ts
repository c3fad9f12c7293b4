import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AlertPriority, defaultTaxonomy, parseQuery, Subscription, WebhookFormat } from '@radar/core';
import { SearchIndex } from '@radar/search';
import { newWebhookSecret, renderWebhookBody, webhookEvent, webhookHeaders, WebhookTransport } from '@radar/webhooks';

export interface CreateWebhookRequest {
  url: string;
  format: WebhookFormat;
  query: string;
  sectors?: string[];
  areas?: string[];
  goals?: string[];
  minPriority?: AlertPriority;
  /** Who asks (the API caller), when the auth layer says. */
  createdBy?: string;
}

/** A URL the SSRF guard or the scheme rule refuses: the API answers 400 with the reason. */
export class WebhookUrlRefusedError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`webhook URL refused: ${reason}`);
    this.name = 'WebhookUrlRefusedError';
  }
}

export type PingResult =
  | { ok: true; deliveryId: string; status: number; durationMs: number }
  | { ok: false; deliveryId: string; status?: number; permanent: boolean; message: string; durationMs: number };

/**
 * Webhook subscriptions: created by a team member (no double opt-in: they are confirmed at
 * once), matched and delivered like email subscriptions by the notifier. The signing secret is
 * generated here and returned once, by `create`.
 */
@Injectable()
export class WebhookSubscriptionService {
  private readonly logger = new Logger(WebhookSubscriptionService.name);
  private readonly taxonomy = defaultTaxonomy();

  constructor(
    private readonly index: SearchIndex,
    private readonly transport: WebhookTransport,
  ) {}

  async create(req: CreateWebhookRequest): Promise<Subscription> {
    const query = req.query.trim();
    parseQuery(query); // a QuerySyntaxError is a 400 before anything is stored
    const refused = await this.transport.refusal(req.url);
    if (refused) throw new WebhookUrlRefusedError(req.url, refused);
    const now = new Date().toISOString();
    const unique = (list: readonly string[] | undefined) => [...new Set(list ?? [])].sort();
    const subscription: Subscription = {
      id: randomUUID(),
      email: '',
      query,
      status: 'confirmed',
      // Email-only tokens: unguessable and never sent anywhere, so no link can act on a webhook.
      confirmToken: newWebhookSecret(),
      unsubscribeToken: newWebhookSecret(),
      createdAt: now,
      confirmedAt: now,
      sectors: unique(req.sectors),
      areas: unique(req.areas),
      goals: unique(req.goals),
      minPriority: req.minPriority ?? 'low',
      frequency: 'instant',
      target: { kind: 'webhook', url: req.url, format: req.format },
      webhookSecret: newWebhookSecret(),
      ...(req.createdBy ? { createdBy: req.createdBy } : {}),
    };
    await this.index.saveSubscription(subscription);
    this.logger.log(`subscription=${subscription.id} webhook created (${req.format})`);
    return subscription;
  }

  list(): Promise<Subscription[]> {
    return this.index.listSubscriptions({ channel: 'webhook' });
  }

  async get(id: string): Promise<Subscription | null> {
    const sub = await this.index.getSubscription(id);
    return sub?.target?.kind === 'webhook' ? sub : null;
  }

  /** False when there is no such webhook subscription (an email subscription is not deleted here). */
  async delete(id: string): Promise<boolean> {
    if (!(await this.get(id))) return false;
    const deleted = await this.index.deleteSubscription(id);
    if (deleted) this.logger.log(`subscription=${id} webhook deleted`);
    return deleted;
  }

  /**
   * Posts a signed `ping` event at once and says how the receiver answered. Pings are not queued
   * or retried (the caller is waiting), each has its own delivery id, and a failure changes
   * nothing on the subscription.
   */
  async ping(sub: Subscription): Promise<PingResult> {
    if (sub.target?.kind !== 'webhook' || !sub.webhookSecret)
      throw new Error(`subscription ${sub.id} is not a webhook`);
    const deliveryId = `ping.${sub.id}.${randomUUID()}`;
    const body = renderWebhookBody(
      sub.target.format,
      webhookEvent({ deliveryId, type: 'ping', createdAt: new Date().toISOString(), subscription: sub }),
      this.taxonomy,
    );
    const result = await this.transport.post({
      url: sub.target.url,
      body,
      headers: webhookHeaders(sub.webhookSecret, deliveryId, 'ping', body, Date.now() / 1000),
    });
    if (result.ok) return { ok: true, deliveryId, status: result.status, durationMs: result.durationMs };
    return {
      ok: false,
      deliveryId,
      permanent: result.permanent,
      message: result.message,
      durationMs: result.durationMs,
      ...(result.status !== undefined ? { status: result.status } : {}),
    };
  }
}
