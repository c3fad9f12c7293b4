/** Backend-neutral rules for merging an alert upsert into the stored alert. */
import type { Alert, AlertSource } from '@radar/core';

/** `alert` with the triage fields of `existing` (set only by `setAlertState`). */
export function withTriage(alert: Alert, existing: Alert): Alert {
  const { stateChangedAt: _at, stateChangedBy: _by, ...rest } = alert;
  const next: Alert = rest;
  if (existing.stateChangedAt !== undefined) next.stateChangedAt = existing.stateChangedAt;
  if (existing.stateChangedBy !== undefined) next.stateChangedBy = existing.stateChangedBy;
  return next;
}

/** JSON with object keys sorted, for "did anything change" comparisons. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, obj[k]]),
    );
  });
}

/** `a` then the values of `b` it lacks, in order. */
function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}

/**
 * The stored sources with the incoming ones merged in by document id: a known document keeps the
 * place and `addedAt` it joined with (its URL and title follow the latest version); a new one
 * is appended. Undefined when neither side has any (alerts stored before collapse existed).
 */
export function mergeSources(
  stored: readonly AlertSource[] | undefined,
  incoming: readonly AlertSource[] | undefined,
): AlertSource[] | undefined {
  if (!stored && !incoming) return undefined;
  const out = [...(stored ?? [])];
  for (const source of incoming ?? []) {
    const at = out.findIndex((s) => s.documentId === source.documentId);
    if (at === -1) out.push(source);
    else out[at] = { ...source, addedAt: out[at]!.addedAt };
  }
  return out;
}

/**
 * The alert to store for an upsert over `existing`: keeps createdAt, state and triage, and
 * merges the source lists; `null` when nothing but `updatedAt` would change.
 *
 * Whose content wins (title, URL, tags, version, change): the incoming alert's when it comes
 * from the stored alert's document, or from the document the alert is named after (the first
 * reporter, which outranks a duplicate that happened to write first in a race); otherwise the
 * incoming alert is a near-duplicate report and only adds its source. Both rules depend on the
 * data alone, so concurrent upserts converge whatever their order. An older version of the same
 * document (a retried match job) only merges its source.
 */
export function mergeAlert(alert: Alert, existing: Alert | null): Alert | null {
  if (existing === null) return alert;
  const sameDocument = alert.documentId === existing.documentId;
  // A retried match of an older version never rolls the alert back.
  const stale = sameDocument && alert.documentVersion < existing.documentVersion;
  const primary = !stale && (sameDocument || alert.documentId === alert.id);
  const content: Alert = primary ? alert : { ...existing, updatedAt: alert.updatedAt };
  const sources = mergeSources(existing.sources, alert.sources);
  const merged: Alert = {
    ...content,
    id: existing.id,
    createdAt: existing.createdAt,
    state: existing.state,
    sourceIds: union(existing.sourceIds, alert.sourceIds),
  };
  if (sources) merged.sources = sources;
  const next = withTriage(merged, existing);
  const strip = (a: Alert): string => {
    const { updatedAt: _ignored, ...rest } = a;
    return canonicalJson(rest);
  };
  return strip(next) === strip(existing) ? null : next;
}
