/** Backend-neutral rules for merging an alert upsert into the stored alert. */
import type { Alert } from '@radar/core';

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

/**
 * The alert to store for an upsert over `existing`: keeps createdAt, state and triage; `null`
 * when nothing but `updatedAt` would change.
 */
export function mergeAlert(alert: Alert, existing: Alert | null): Alert | null {
  if (existing === null) return alert;
  const next = withTriage({ ...alert, createdAt: existing.createdAt, state: existing.state }, existing);
  const strip = (a: Alert): string => {
    const { updatedAt: _ignored, ...rest } = a;
    return canonicalJson(rest);
  };
  return strip(next) === strip(existing) ? null : next;
}
