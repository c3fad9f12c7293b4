import type { Alert, AlertChange, RadarDocument } from './document';

/** Document types that are themselves a policy change. */
const POLICY_DOC_TYPES = new Set(['rule', 'proposed_rule', 'presidential_document', 'bill', 'page_change']);

/**
 * The alert rule: a document becomes an alert when it is about at least one sub-sector and it
 * reports a policy action (or is itself a rule, proposed rule, presidential document, bill or
 * page change).
 */
export function isAlertworthy(doc: RadarDocument): boolean {
  return doc.subSectors.length > 0 && (doc.policyAction || POLICY_DOC_TYPES.has(doc.docType));
}

/** A version after the first whose text really changed (the classifier stores the line diff). */
export function changeOf(doc: RadarDocument): AlertChange | undefined {
  if (doc.version <= 1 || !doc.diff || (doc.diff.added.length === 0 && doc.diff.removed.length === 0)) return undefined;
  return { version: doc.version, at: doc.indexedAt, added: doc.diff.added, removed: doc.diff.removed };
}

/**
 * The alert a document reports, under `alertId`: its own id when it is the first report of the
 * event, else the id of the alert its collapse keys found (see `collapseKeys`). The document is
 * the alert's one source here; the index merges it into the stored alert's list.
 */
export function alertFromDocument(doc: RadarDocument, now: string, alertId: string = doc.id): Alert {
  const change = changeOf(doc);
  return {
    id: alertId,
    documentId: doc.id,
    documentVersion: doc.version,
    title: doc.title,
    url: doc.url,
    sourceIds: [doc.sourceId],
    sources: [
      {
        documentId: doc.id,
        sourceId: doc.sourceId,
        sourceName: doc.sourceName,
        url: doc.url,
        title: doc.title,
        addedAt: now,
      },
    ],
    ...(change ? { lastChange: change } : {}),
    docType: doc.docType,
    subSectors: doc.subSectors.map((s) => s.id),
    focusAreas: doc.focusAreas,
    advocacyGoals: doc.advocacyGoals.map((g) => g.id),
    policyEvents: doc.policyEvents,
    priority: doc.priority === 'none' ? 'low' : doc.priority,
    reason: doc.priorityReason || 'reports a policy action',
    publishedAt: doc.publishedAt,
    createdAt: now,
    updatedAt: now,
    state: 'new',
  };
}
