import type { Alert, AlertChange, RadarDocument, Subscription, Taxonomy } from '@radar/core';

/** A rendered email: both parts come from the same typed data. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function layout(title: string, body: string, footer: string): string {
  return [
    '<!doctype html><html><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;max-width:640px;margin:auto;color:#1a1a1a">',
    body,
    `<hr><p style="font-size:12px;color:#666">${footer}</p>`,
    '</body></html>',
  ].join('');
}

/** The links every subscriber email ends with. */
export interface SubscriberLinks {
  /** Unsubscribes this one subscription (also the List-Unsubscribe target, RFC 8058 one-click). */
  unsubscribeUrl: string;
  /** Signed link listing every subscription of the address. */
  manageUrl: string;
}

/** RFC 2369 / RFC 8058: mail clients show an unsubscribe button that POSTs to the link. */
function listUnsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

function footerText({ unsubscribeUrl, manageUrl }: SubscriberLinks): string[] {
  return [`Unsubscribe: ${unsubscribeUrl}`, `Manage your subscriptions: ${manageUrl}`];
}

function footerHtml({ unsubscribeUrl, manageUrl }: SubscriberLinks): string {
  return (
    `<a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a> · ` +
    `<a href="${escapeHtml(manageUrl)}">Manage your subscriptions</a>`
  );
}

type Preferences = Pick<Subscription, 'sectors' | 'areas' | 'goals' | 'minPriority' | 'frequency'>;

/** "sub-sectors solar; priority medium or higher; daily digest", or '' for the defaults. */
export function describePreferences(p: Preferences): string {
  const parts: string[] = [];
  if (p.sectors?.length) parts.push(`sub-sectors ${p.sectors.join(', ')}`);
  if (p.areas?.length) parts.push(`focus areas ${p.areas.join(', ')}`);
  if (p.goals?.length) parts.push(`advocacy goals ${p.goals.join(', ')}`);
  if (p.minPriority && p.minPriority !== 'low')
    parts.push(`priority ${p.minPriority}${p.minPriority === 'high' ? '' : ' or higher'}`);
  if (p.frequency && p.frequency !== 'instant') parts.push(`${p.frequency} digest`);
  return parts.join('; ');
}

export interface ConfirmationData extends SubscriberLinks {
  subscription: Pick<Subscription, 'email' | 'query'> & Preferences;
  confirmUrl: string;
}

export function renderConfirmation({ subscription, confirmUrl, ...links }: ConfirmationData): RenderedEmail {
  const prefs = describePreferences(subscription);
  const what =
    (subscription.query ? `alerts matching “${subscription.query}”` : 'all Policy Radar alerts') +
    (prefs ? ` (${prefs})` : '');
  return {
    subject: 'Confirm your Policy Radar subscription',
    text: [
      `Someone (hopefully you) asked to send ${what} to ${subscription.email}.`,
      '',
      `Confirm the subscription: ${confirmUrl}`,
      '',
      'If you did not ask for this, ignore this email: nothing will be sent.',
      ...footerText(links),
    ].join('\n'),
    html: layout(
      'Confirm your subscription',
      `<p>Someone (hopefully you) asked to send ${escapeHtml(what)} to ${escapeHtml(subscription.email)}.</p>` +
        `<p><a href="${escapeHtml(confirmUrl)}">Confirm the subscription</a></p>`,
      `If you did not ask for this, ignore this email: nothing will be sent. ${footerHtml(links)}`,
    ),
    headers: listUnsubscribeHeaders(links.unsubscribeUrl),
  };
}

/** Lines of a diff shown per side; the rest are counted. */
export const DIFF_LINES_SHOWN = 20;
/** Longest diff line shown (characters); longer ones are cut with "…". */
const DIFF_LINE_CHARS = 300;

const cutLine = (line: string): string =>
  line.length > DIFF_LINE_CHARS ? `${line.slice(0, DIFF_LINE_CHARS - 1)}…` : line;

/** What changed, as text lines ("+ added", "- removed") and as escaped HTML. */
function renderChange(change: AlertChange): { text: string[]; html: string } {
  const side = (lines: readonly string[], mark: '+' | '-') => {
    const shown = lines.slice(0, DIFF_LINES_SHOWN).map(cutLine);
    const more = lines.length - shown.length;
    return {
      shown,
      more,
      text: [...shown.map((l) => `${mark} ${l}`), ...(more > 0 ? [`${mark} … and ${more} more line(s)`] : [])],
    };
  };
  const added = side(change.added, '+');
  const removed = side(change.removed, '-');
  const list = (lines: string[], more: number, colour: string, mark: string) =>
    lines.length === 0
      ? ''
      : `<pre style="white-space:pre-wrap;background:${colour};padding:6px;margin:4px 0">` +
        lines.map((l) => `${mark} ${escapeHtml(l)}`).join('\n') +
        (more > 0 ? `\n${mark} … and ${more} more line(s)` : '') +
        '</pre>';
  const heading = `What changed in version ${change.version}: ${change.added.length} line(s) added, ${change.removed.length} removed`;
  return {
    text: [`${heading}:`, ...added.text, ...removed.text],
    html:
      `<h3 style="font-size:15px">${escapeHtml(heading)}</h3>` +
      list(added.shown, added.more, '#e6ffec', '+') +
      list(removed.shown, removed.more, '#ffebe9', '-'),
  };
}

/** "Federal Register, NRC News" for an alert reported by several sources; '' for one. */
function otherSources(alert: Alert): string[] {
  const names = [...new Set((alert.sources ?? []).map((s) => s.sourceName))];
  return names.length > 1 ? names : [];
}

export interface AlertEmailData extends SubscriberLinks {
  alert: Alert;
  document: Pick<RadarDocument, 'summary' | 'sourceName'>;
  subscription: Pick<Subscription, 'query'>;
  taxonomy: Taxonomy;
}

export function renderAlertEmail({ alert, document, subscription, taxonomy, ...links }: AlertEmailData): RenderedEmail {
  const sectorNames = alert.subSectors.map((id) => taxonomy.subSectors.find((s) => s.id === id)?.name ?? id);
  const events = alert.policyEvents.map((e) =>
    e.date ? `${e.kind.replace(/_/g, ' ')} (${e.date})` : e.kind.replace(/_/g, ' '),
  );
  const summary = document.summary.length > 600 ? `${document.summary.slice(0, 597)}...` : document.summary;
  const reportedBy = otherSources(alert);
  // A page change (or a document first alerted on a later version) shows its diff.
  const change = alert.lastChange ? renderChange(alert.lastChange) : undefined;
  const lines = [
    alert.title,
    alert.url,
    '',
    `Priority: ${alert.priority}: ${alert.reason}`,
    `Sub-sectors: ${sectorNames.join(', ')}`,
    ...(events.length ? [`Policy events: ${events.join(', ')}`] : []),
    reportedBy.length ? `Reported by: ${reportedBy.join(', ')}` : `Source: ${document.sourceName}`,
    ...(summary ? ['', summary] : []),
    ...(change ? ['', ...change.text] : []),
    '',
    `You receive this because you subscribed to ${subscription.query ? `“${subscription.query}”` : 'all alerts'}.`,
    ...footerText(links),
  ];
  const html = layout(
    alert.title,
    `<h2 style="font-size:18px"><a href="${escapeHtml(alert.url)}">${escapeHtml(alert.title)}</a></h2>` +
      `<p><strong>Priority ${escapeHtml(alert.priority)}</strong>: ${escapeHtml(alert.reason)}</p>` +
      `<p>Sub-sectors: ${sectorNames.map(escapeHtml).join(', ')}</p>` +
      (events.length ? `<p>Policy events: ${events.map(escapeHtml).join(', ')}</p>` : '') +
      (reportedBy.length
        ? `<p>Reported by: ${reportedBy.map(escapeHtml).join(', ')}</p>`
        : `<p>Source: ${escapeHtml(document.sourceName)}</p>`) +
      (summary ? `<p>${escapeHtml(summary)}</p>` : '') +
      (change ? change.html : ''),
    `You receive this because you subscribed to ${escapeHtml(subscription.query ? `“${subscription.query}”` : 'all alerts')}. ` +
      footerHtml(links),
  );
  return {
    subject: `[Policy Radar] ${alert.priority === 'high' ? 'HIGH: ' : ''}${alert.title}`.slice(0, 200),
    text: lines.join('\n'),
    html,
    headers: listUnsubscribeHeaders(links.unsubscribeUrl),
  };
}

export interface AlertChangedEmailData extends SubscriberLinks {
  alert: Alert;
  /** The change to show (the alert's document's version that made it). */
  change: AlertChange;
  subscription: Pick<Subscription, 'query'>;
  taxonomy: Taxonomy;
}

/**
 * A document already alerted changed for real (a new version whose text differs): what
 * changed, as the lines added and removed (escaped in HTML), then the alert as it now stands.
 */
export function renderAlertChangedEmail({
  alert,
  change,
  subscription,
  taxonomy,
  ...links
}: AlertChangedEmailData): RenderedEmail {
  const diff = renderChange(change);
  const events = alert.policyEvents.map((e) =>
    e.date ? `${e.kind.replace(/_/g, ' ')} (${e.date})` : e.kind.replace(/_/g, ' '),
  );
  const reportedBy = otherSources(alert);
  const title = `Changed: ${alert.title}`;
  return {
    subject: `[Policy Radar] ${alert.priority === 'high' ? 'HIGH: ' : ''}${title}`.slice(0, 200),
    text: [
      title,
      alert.url,
      '',
      ...diff.text,
      '',
      `Priority: ${alert.priority}: ${alert.reason}`,
      `Sub-sectors: ${sectorNamesOf(alert, taxonomy).join(', ')}`,
      ...(events.length ? [`Policy events: ${events.join(', ')}`] : []),
      ...(reportedBy.length ? [`Reported by: ${reportedBy.join(', ')}`] : []),
      '',
      `You receive this because you subscribed to ${subscribedTo(subscription)} and were sent this alert before.`,
      ...footerText(links),
    ].join('\n'),
    html: layout(
      title,
      `<h2 style="font-size:18px">Changed: <a href="${escapeHtml(alert.url)}">${escapeHtml(alert.title)}</a></h2>` +
        diff.html +
        `<p><strong>Priority ${escapeHtml(alert.priority)}</strong>: ${escapeHtml(alert.reason)}</p>` +
        `<p>Sub-sectors: ${sectorNamesOf(alert, taxonomy).map(escapeHtml).join(', ')}</p>` +
        (events.length ? `<p>Policy events: ${events.map(escapeHtml).join(', ')}</p>` : '') +
        (reportedBy.length ? `<p>Reported by: ${reportedBy.map(escapeHtml).join(', ')}</p>` : ''),
      `You receive this because you subscribed to ${escapeHtml(subscribedTo(subscription))} and were sent this alert before. ` +
        footerHtml(links),
    ),
    headers: listUnsubscribeHeaders(links.unsubscribeUrl),
  };
}

function sectorNamesOf(alert: Pick<Alert, 'subSectors'>, taxonomy: Taxonomy): string[] {
  return alert.subSectors.map((id) => taxonomy.subSectors.find((s) => s.id === id)?.name ?? id);
}

function alertLineText(alert: Alert, taxonomy: Taxonomy): string[] {
  return [
    `- [${alert.priority}] ${alert.title}`,
    `  ${alert.url}`,
    `  ${alert.reason}; sub-sectors: ${sectorNamesOf(alert, taxonomy).join(', ')}`,
  ];
}

function alertLineHtml(alert: Alert, taxonomy: Taxonomy): string {
  return (
    `<li style="margin-bottom:8px"><a href="${escapeHtml(alert.url)}">${escapeHtml(alert.title)}</a>` +
    `<br><small><strong>${escapeHtml(alert.priority)}</strong>: ${escapeHtml(alert.reason)}; ` +
    `sub-sectors: ${sectorNamesOf(alert, taxonomy).map(escapeHtml).join(', ')}</small></li>`
  );
}

function subscribedTo(subscription: Pick<Subscription, 'query'>): string {
  return subscription.query ? `“${subscription.query}”` : 'all alerts';
}

export interface AlertBatchEmailData extends SubscriberLinks {
  /** The window's alerts, in the order to list them (two or more; one alert uses `renderAlertEmail`). */
  alerts: Alert[];
  subscription: Pick<Subscription, 'query'>;
  taxonomy: Taxonomy;
}

/** Instant alerts gathered within one batching window, as one email. */
export function renderAlertBatchEmail({
  alerts,
  subscription,
  taxonomy,
  ...links
}: AlertBatchEmailData): RenderedEmail {
  const high = alerts.filter((a) => a.priority === 'high').length;
  const title = `${alerts.length} new alert${alerts.length === 1 ? '' : 's'}`;
  return {
    subject: `[Policy Radar] ${high ? 'HIGH: ' : ''}${title}: ${alerts[0]?.title ?? ''}`.slice(0, 200),
    text: [
      `${title}:`,
      '',
      ...alerts.flatMap((a) => [...alertLineText(a, taxonomy), '']),
      `You receive this because you subscribed to ${subscribedTo(subscription)}.`,
      ...footerText(links),
    ].join('\n'),
    html: layout(
      title,
      `<h2 style="font-size:18px">${escapeHtml(title)}</h2><ul>${alerts.map((a) => alertLineHtml(a, taxonomy)).join('')}</ul>`,
      `You receive this because you subscribed to ${escapeHtml(subscribedTo(subscription))}. ${footerHtml(links)}`,
    ),
    headers: listUnsubscribeHeaders(links.unsubscribeUrl),
  };
}

/** One section of a digest: the alerts of one focus area (or "Other"), newest first. */
export interface DigestGroup {
  name: string;
  alerts: Alert[];
}

export interface DigestEmailData extends SubscriberLinks {
  frequency: 'daily' | 'weekly';
  /** The period as the subscriber reads it: `2026-11-24` or `2026-W48`. */
  periodLabel: string;
  groups: DigestGroup[];
  /** At most this many alerts per group are listed; the rest are counted as "and N more". */
  perGroupCap: number;
  subscription: Pick<Subscription, 'query'>;
  taxonomy: Taxonomy;
}

/** A daily or weekly digest: alerts grouped by focus area, each group capped with "and N more". */
export function renderDigestEmail({
  frequency,
  periodLabel,
  groups,
  perGroupCap,
  subscription,
  taxonomy,
  ...links
}: DigestEmailData): RenderedEmail {
  const total = groups.reduce((n, g) => n + g.alerts.length, 0);
  const kind = frequency === 'daily' ? 'Daily' : 'Weekly';
  const title = `${kind} digest ${periodLabel}: ${total} alert${total === 1 ? '' : 's'}`;
  const text: string[] = [title, ''];
  let html = `<h2 style="font-size:18px">${escapeHtml(title)}</h2>`;
  for (const group of groups) {
    const shown = group.alerts.slice(0, perGroupCap);
    const more = group.alerts.length - shown.length;
    text.push(`${group.name} (${group.alerts.length})`, '');
    for (const a of shown) text.push(...alertLineText(a, taxonomy));
    if (more > 0) text.push(`  and ${more} more`);
    text.push('');
    html +=
      `<h3 style="font-size:16px">${escapeHtml(group.name)} (${group.alerts.length})</h3>` +
      `<ul>${shown.map((a) => alertLineHtml(a, taxonomy)).join('')}</ul>` +
      (more > 0 ? `<p><em>and ${more} more</em></p>` : '');
  }
  text.push(`You receive this because you subscribed to ${subscribedTo(subscription)}.`, ...footerText(links));
  return {
    subject: `[Policy Radar] ${title}`.slice(0, 200),
    text: text.join('\n'),
    html: layout(
      title,
      html,
      `You receive this because you subscribed to ${escapeHtml(subscribedTo(subscription))}. ${footerHtml(links)}`,
    ),
    headers: listUnsubscribeHeaders(links.unsubscribeUrl),
  };
}
