/**
 * What a webhook posts, rendered once by the notifier (retries post the same bytes):
 * - `json`: Policy Radar's own event (below), for programs.
 * - `slack`: a Slack incoming-webhook message, `{ text, blocks }` (mrkdwn, `& < >` escaped).
 * - `teams`: a Microsoft Teams message with one Adaptive Card 1.4 attachment (what Teams
 *   incoming webhooks and Workflows "post to a channel when a webhook request is received"
 *   accept), text escaped so document text cannot add links or formatting.
 * Every format is signed the same way (see ./signature).
 */
import type { Alert, AlertChange, Subscription, Taxonomy, WebhookFormat } from '@radar/core';

export const WEBHOOK_EVENT_TYPES = ['alert.created', 'alert.changed', 'ping'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Diff lines per side carried by an event; `addedTotal` / `removedTotal` give the full counts. */
export const WEBHOOK_DIFF_LINES = 200;
/** Diff lines per side shown in a Slack or Teams message. */
const CHAT_DIFF_LINES = 10;
const CHAT_LINE_CHARS = 200;

export interface WebhookAlertView {
  id: string;
  title: string;
  url: string;
  priority: Alert['priority'];
  reason: string;
  docType: Alert['docType'];
  subSectors: string[];
  focusAreas: string[];
  advocacyGoals: string[];
  /** Dated events (comment deadlines, effective dates) and undated ones. */
  policyEvents: Alert['policyEvents'];
  publishedAt: string;
  createdAt: string;
  documentId: string;
  documentVersion: number;
  /** Every source that reported the event (near-duplicates collapsed). */
  sources: { sourceId: string; sourceName: string; url: string; title: string }[];
}

export interface WebhookChangeView {
  version: number;
  at: string;
  added: string[];
  removed: string[];
  addedTotal: number;
  removedTotal: number;
}

/** The `json` format's body. `id` equals the X-Radar-Delivery header. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  subscription: { id: string; query: string };
  alert?: WebhookAlertView;
  change?: WebhookChangeView;
}

export function alertView(alert: Alert): WebhookAlertView {
  return {
    id: alert.id,
    title: alert.title,
    url: alert.url,
    priority: alert.priority,
    reason: alert.reason,
    docType: alert.docType,
    subSectors: alert.subSectors,
    focusAreas: alert.focusAreas,
    advocacyGoals: alert.advocacyGoals,
    policyEvents: alert.policyEvents,
    publishedAt: alert.publishedAt,
    createdAt: alert.createdAt,
    documentId: alert.documentId,
    documentVersion: alert.documentVersion,
    sources: (alert.sources ?? []).map(({ sourceId, sourceName, url, title }) => ({
      sourceId,
      sourceName,
      url,
      title,
    })),
  };
}

export function changeView(change: AlertChange): WebhookChangeView {
  return {
    version: change.version,
    at: change.at,
    added: change.added.slice(0, WEBHOOK_DIFF_LINES),
    removed: change.removed.slice(0, WEBHOOK_DIFF_LINES),
    addedTotal: change.added.length,
    removedTotal: change.removed.length,
  };
}

export interface WebhookEventInput {
  deliveryId: string;
  type: WebhookEventType;
  createdAt: string;
  subscription: Pick<Subscription, 'id' | 'query'>;
  alert?: Alert;
  change?: AlertChange;
}

export function webhookEvent(input: WebhookEventInput): WebhookEvent {
  const event: WebhookEvent = {
    id: input.deliveryId,
    type: input.type,
    createdAt: input.createdAt,
    subscription: { id: input.subscription.id, query: input.subscription.query },
  };
  if (input.alert) event.alert = alertView(input.alert);
  if (input.change) event.change = changeView(input.change);
  return event;
}

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Slack mrkdwn: only &, < and > are special (they make links and mentions). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Adaptive Card TextBlock markdown: backslash-escape what could format or link. */
export function teamsEscape(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, (c) => `\\${c}`);
}

function sectorNames(alert: WebhookAlertView, taxonomy: Taxonomy): string[] {
  return alert.subSectors.map((id) => taxonomy.subSectors.find((s) => s.id === id)?.name ?? id);
}

function eventsText(alert: WebhookAlertView): string {
  return alert.policyEvents
    .map((e) => (e.date ? `${e.kind.replace(/_/g, ' ')} (${e.date})` : e.kind.replace(/_/g, ' ')))
    .join(', ');
}

function headline(event: WebhookEvent): string {
  if (event.type === 'ping') return 'Policy Radar test ping: this webhook is connected.';
  const alert = event.alert!;
  const prefix = alert.priority === 'high' ? 'HIGH: ' : '';
  return `${prefix}${event.type === 'alert.changed' ? 'Changed: ' : ''}${alert.title}`;
}

function diffLines(change: WebhookChangeView): string[] {
  const side = (lines: string[], total: number, mark: string) => [
    ...lines.slice(0, CHAT_DIFF_LINES).map((l) => `${mark} ${cut(l, CHAT_LINE_CHARS)}`),
    ...(total > CHAT_DIFF_LINES ? [`${mark} … and ${total - CHAT_DIFF_LINES} more line(s)`] : []),
  ];
  return [...side(change.added, change.addedTotal, '+'), ...side(change.removed, change.removedTotal, '-')];
}

function slackMessage(event: WebhookEvent, taxonomy: Taxonomy): unknown {
  const title = headline(event);
  const text = `[Policy Radar] ${title}`;
  if (!event.alert) return { text: slackEscape(text) };
  const alert = event.alert;
  const facts = [
    `*<${alert.url.replace(/[|>]/g, encodeURIComponent)}|Open the document>*`,
    `*Priority:* ${slackEscape(`${alert.priority}: ${alert.reason}`)}`,
    `*Sub-sectors:* ${slackEscape(sectorNames(alert, taxonomy).join(', '))}`,
    ...(alert.policyEvents.length ? [`*Policy events:* ${slackEscape(eventsText(alert))}`] : []),
    ...(alert.sources.length > 1
      ? [`*Reported by:* ${slackEscape([...new Set(alert.sources.map((s) => s.sourceName))].join(', '))}`]
      : []),
  ];
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(facts.join('\n'), 3000) } },
  ];
  if (event.change) {
    const heading = `*What changed in version ${event.change.version}:* ${event.change.addedTotal} line(s) added, ${event.change.removedTotal} removed`;
    const body = slackEscape(diffLines(event.change).join('\n').replace(/```/g, "'''"));
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(`${heading}\n\`\`\`${body}\`\`\``, 3000) } });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: cut(
          `Policy Radar · ${event.subscription.query ? `subscription “${slackEscape(event.subscription.query)}”` : 'all alerts'}`,
          300,
        ),
      },
    ],
  });
  return { text: slackEscape(cut(text, 3000)), blocks };
}

function teamsMessage(event: WebhookEvent, taxonomy: Taxonomy): unknown {
  const body: unknown[] = [
    { type: 'TextBlock', text: teamsEscape(cut(headline(event), 300)), weight: 'Bolder', size: 'Medium', wrap: true },
  ];
  const actions: unknown[] = [];
  if (event.alert) {
    const alert = event.alert;
    const facts = [
      { title: 'Priority', value: `${alert.priority}: ${alert.reason}` },
      { title: 'Sub-sectors', value: sectorNames(alert, taxonomy).join(', ') },
      ...(alert.policyEvents.length ? [{ title: 'Policy events', value: eventsText(alert) }] : []),
      ...(alert.sources.length > 1
        ? [{ title: 'Reported by', value: [...new Set(alert.sources.map((s) => s.sourceName))].join(', ') }]
        : []),
    ].map((f) => ({ title: f.title, value: teamsEscape(cut(f.value, 500)) }));
    body.push({ type: 'FactSet', facts });
    if (event.change) {
      body.push({
        type: 'TextBlock',
        text: teamsEscape(
          `What changed in version ${event.change.version}: ${event.change.addedTotal} line(s) added, ${event.change.removedTotal} removed`,
        ),
        weight: 'Bolder',
        wrap: true,
      });
      for (const line of diffLines(event.change)) {
        body.push({
          type: 'TextBlock',
          text: teamsEscape(line),
          fontType: 'Monospace',
          color: line.startsWith('+') ? 'Good' : 'Attention',
          wrap: true,
          spacing: 'None',
        });
      }
    }
    actions.push({ type: 'Action.OpenUrl', title: 'Open the document', url: alert.url });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(actions.length ? { actions } : {}),
        },
      },
    ],
  };
}

/** The exact body posted (and signed) for an event in a subscription's format. */
export function renderWebhookBody(format: WebhookFormat, event: WebhookEvent, taxonomy: Taxonomy): string {
  switch (format) {
    case 'json':
      return JSON.stringify(event);
    case 'slack':
      return JSON.stringify(slackMessage(event, taxonomy));
    case 'teams':
      return JSON.stringify(teamsMessage(event, taxonomy));
  }
}
