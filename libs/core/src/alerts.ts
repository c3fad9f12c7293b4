import type { Alert, RadarDocument } from './document';

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

/** The alert for a document (one per document id, updated as the document changes). */
export function alertFromDocument(doc: RadarDocument, now: string): Alert {
  return {
    id: doc.id,
    documentId: doc.id,
    documentVersion: doc.version,
    title: doc.title,
    url: doc.url,
    sourceIds: [doc.sourceId],
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
