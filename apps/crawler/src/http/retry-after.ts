/** Longest wait a Retry-After header may impose (a misconfigured server must not park a source for months). */
export const MAX_RETRY_AFTER_SECONDS = 7 * 86400;

/**
 * Parses Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns whole
 * seconds from `now` (0 for a date in the past), capped, or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text), MAX_RETRY_AFTER_SECONDS);
  if (!/[a-z]/i.test(text)) return undefined; // "-5", "1.5": neither form
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_RETRY_AFTER_SECONDS);
}
