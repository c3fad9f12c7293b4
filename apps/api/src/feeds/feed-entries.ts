import {
  advocacyGoalById,
  type Alert,
  type PolicyEvent,
  type Priority,
  type RadarDocument,
  subSectorById,
  type Taxonomy,
} from '@radar/core';
import { escapeHtml, type FeedCategory, type FeedEntry } from './feed.renderer';
import type { CalendarEvent } from './icalendar.renderer';

/** Category schemes: stable URNs, independent of where the API is served. */
export const SCHEMES = {
  subSector: 'urn:policy-radar:sub-sector',
  goal: 'urn:policy-radar:advocacy-goal',
  priority: 'urn:policy-radar:priority',
} as const;

const EVIDENCE_PER_TAG = 5;
const SUMMARY_CHARS = 500;

const EVENT_LABELS: Record<string, string> = {
  comment_deadline: 'Comment deadline',
  comment_period_open: 'Comment period opens',
  effective_date: 'Effective date',
};

/** "Comment deadline" for `comment_deadline`; other kinds read as words ("final rule" → "Final rule"). */
export function eventLabel(kind: string): string {
  const known = EVENT_LABELS[kind];
  if (known) return known;
  const words = kind.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function subSectorName(tax: Taxonomy, id: string): string {
  return subSectorById(tax, id)?.name ?? id;
}

function goalName(tax: Taxonomy, id: string): string {
  return advocacyGoalById(tax, id)?.name ?? id;
}

function categories(tax: Taxonomy, subSectors: string[], goals: string[], priority: Priority): FeedCategory[] {
  return [
    ...subSectors.map((id) => ({ term: id, label: subSectorName(tax, id), scheme: SCHEMES.subSector })),
    ...goals.map((id) => ({ term: id, label: goalName(tax, id), scheme: SCHEMES.goal })),
    { term: priority, label: `Priority: ${priority}`, scheme: SCHEMES.priority },
  ];
}

interface Tagging {
  subSectors: string[];
  goals: string[];
  priority: Priority;
  reason: string;
  events: PolicyEvent[];
  /** Evidence phrases per sub-sector id (from the stored document), when known. */
  evidence: Map<string, string[]>;
  docType: string;
  sourceName?: string;
  publishedAt: string;
}

function evidenceOf(doc: RadarDocument | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tag of doc?.subSectors ?? []) {
    const phrases = [...new Set(tag.evidence.map((e) => e.phrase.trim()).filter(Boolean))];
    out.set(tag.id, phrases.slice(0, EVIDENCE_PER_TAG));
  }
  return out;
}

function contentHtml(tax: Taxonomy, t: Tagging): string {
  const parts = [`<p><strong>Priority: ${escapeHtml(t.priority)}</strong> — ${escapeHtml(t.reason)}</p>`];
  if (t.events.length > 0) {
    const items = t.events.map(
      (e) => `<li>${escapeHtml(eventLabel(e.kind))}${e.date ? `: ${escapeHtml(e.date)}` : ''}</li>`,
    );
    parts.push(`<p>Policy events:</p><ul>${items.join('')}</ul>`);
  }
  if (t.subSectors.length > 0) {
    const items = t.subSectors.map((id) => {
      const phrases = t.evidence.get(id) ?? [];
      const because = phrases.length > 0 ? ` — evidence: ${phrases.map((p) => `“${escapeHtml(p)}”`).join(', ')}` : '';
      return `<li>${escapeHtml(subSectorName(tax, id))}${because}</li>`;
    });
    parts.push(`<p>Sub-sectors:</p><ul>${items.join('')}</ul>`);
  }
  if (t.goals.length > 0) {
    parts.push(`<p>Advocacy goals: ${t.goals.map((id) => escapeHtml(goalName(tax, id))).join('; ')}</p>`);
  }
  const source = t.sourceName ? `${escapeHtml(t.sourceName)} · ` : '';
  parts.push(`<p>${source}${escapeHtml(t.docType.replace(/_/g, ' '))} · published ${escapeHtml(t.publishedAt)}</p>`);
  return parts.join('\n');
}

function summaryText(tax: Taxonomy, t: Tagging, lead?: string): string {
  const sectors = t.subSectors.map((id) => subSectorName(tax, id)).join(', ');
  const dated = t.events.filter((e) => e.date).map((e) => `${eventLabel(e.kind)}: ${e.date}`);
  const text = [
    lead,
    `Priority ${t.priority}: ${t.reason}.`,
    sectors && `Sub-sectors: ${sectors}.`,
    dated.length > 0 && `${dated.join('; ')}.`,
  ]
    .filter(Boolean)
    .join(' ');
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

function date(iso: string | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** An alert as a feed entry; `doc` (its stored document) supplies the evidence phrases. */
export function alertEntry(tax: Taxonomy, alert: Alert, doc: RadarDocument | null): FeedEntry {
  const t: Tagging = {
    subSectors: alert.subSectors,
    goals: alert.advocacyGoals,
    priority: alert.priority,
    reason: alert.reason,
    events: alert.policyEvents,
    evidence: evidenceOf(doc),
    docType: alert.docType,
    sourceName: doc?.sourceName,
    publishedAt: alert.publishedAt,
  };
  return {
    id: `urn:policy-radar:alert:${alert.id}`,
    title: alert.title,
    link: alert.url,
    updated: date(alert.updatedAt) ?? new Date(0),
    published: date(alert.publishedAt),
    categories: categories(tax, t.subSectors, t.goals, t.priority),
    summary: summaryText(tax, t),
    contentHtml: contentHtml(tax, t),
    extension: {
      alertId: alert.id,
      documentId: alert.documentId,
      priority: alert.priority,
      reason: alert.reason,
      subSectors: alert.subSectors,
      focusAreas: alert.focusAreas,
      advocacyGoals: alert.advocacyGoals,
      policyEvents: alert.policyEvents,
      evidence: Object.fromEntries(t.evidence),
      docType: alert.docType,
      state: alert.state,
    },
  };
}

/** A search result as a feed entry: the document's own summary (no highlight snippet) and tags. */
export function documentEntry(tax: Taxonomy, doc: RadarDocument): FeedEntry {
  const t: Tagging = {
    subSectors: doc.subSectors.map((s) => s.id),
    goals: doc.advocacyGoals.map((g) => g.id),
    priority: doc.priority,
    reason: doc.priorityReason || (doc.policyAction ? 'reports a policy action' : 'no policy action'),
    events: doc.policyEvents,
    evidence: evidenceOf(doc),
    docType: doc.docType,
    sourceName: doc.sourceName,
    publishedAt: doc.publishedAt,
  };
  const lead = doc.summary.replace(/\s+/g, ' ').trim();
  return {
    id: `urn:policy-radar:document:${doc.id}`,
    title: doc.title,
    link: doc.url,
    updated: date(doc.indexedAt) ?? date(doc.publishedAt) ?? new Date(0),
    published: date(doc.publishedAt),
    categories: categories(tax, t.subSectors, t.goals, t.priority),
    summary: summaryText(tax, t, lead.length > 300 ? `${lead.slice(0, 299)}…` : lead),
    contentHtml: `${lead ? `<p>${escapeHtml(lead)}</p>\n` : ''}${contentHtml(tax, t)}`,
    extension: {
      documentId: doc.id,
      version: doc.version,
      priority: doc.priority,
      subSectors: t.subSectors,
      focusAreas: doc.focusAreas,
      advocacyGoals: t.goals,
      policyEvents: doc.policyEvents,
      evidence: Object.fromEntries(t.evidence),
      docType: doc.docType,
      agencies: doc.agencies,
    },
  };
}

/**
 * One all-day calendar event per dated policy event of an alert on or after `fromDate`
 * (YYYY-MM-DD). UID `${alertId}-${kind}-${date}@policy-radar`: stable across fetches and versions.
 */
export function alertCalendarEvents(tax: Taxonomy, alert: Alert, fromDate: string): CalendarEvent[] {
  const seen = new Set<string>();
  const out: CalendarEvent[] = [];
  for (const event of alert.policyEvents) {
    if (!event.date || event.date < fromDate) continue;
    const uid = `${alert.id}-${event.kind}-${event.date}@policy-radar`;
    if (seen.has(uid)) continue;
    seen.add(uid);
    const sectors = alert.subSectors.map((id) => subSectorName(tax, id));
    out.push({
      uid,
      date: event.date,
      summary: `${eventLabel(event.kind)}: ${alert.title}`,
      description: [
        `${eventLabel(event.kind)} on ${event.date}.`,
        `Sub-sectors: ${sectors.join(', ') || 'none'}`,
        `Priority ${alert.priority}: ${alert.reason}`,
        alert.url,
      ].join('\n'),
      url: alert.url,
      categories: sectors,
      lastModified: date(alert.updatedAt),
      sequence: Math.max(0, alert.documentVersion - 1),
    });
  }
  return out;
}
