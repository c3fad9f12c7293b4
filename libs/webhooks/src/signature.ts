/**
 * Webhook signatures, in the style of Stripe's and Slack's:
 *
 *   X-Radar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *   X-Radar-Delivery:  <delivery id>   (the same for every retry of one delivery: dedupe on it)
 *   X-Radar-Event:     alert.created | alert.changed | ping
 *
 * The key is the subscription's secret string as UTF-8 (`whsec_...`, returned once when the
 * webhook is created). The timestamp is the attempt's, so a receiver can refuse replays older
 * than a few minutes; several `v1=` entries may appear (a receiver accepts any that matches).
 * Receivers must compute the HMAC over the raw body bytes, before any JSON parsing.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-radar-signature';
export const DELIVERY_HEADER = 'x-radar-delivery';
export const EVENT_HEADER = 'x-radar-event';

/** Replays older (or newer) than this are refused by `verifyWebhookSignature`. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new webhook secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The X-Radar-Signature value for `body` sent at `timestampSeconds`. */
export function signWebhook(secret: string, body: string | Buffer, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export type SignatureCheck =
  { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'mismatch' | 'expired' };

/**
 * What a receiver does: parse the header, recompute the HMAC over `t.body`, compare in constant
 * time, then check the timestamp is within `toleranceSeconds` of now. (Policy Radar's own tests
 * use it; receivers in other languages follow the same steps.)
 */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  { nowSeconds = Date.now() / 1000, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = {},
): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2);
    if (k === 't' && v && /^\d{1,12}$/.test(v)) timestamp = Number(v);
    else if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) signatures.push(v);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  const matched = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  if (!matched) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, timestamp };
}

/** The headers of one signed POST (the signature's timestamp is `nowSeconds`). */
export function webhookHeaders(
  secret: string,
  deliveryId: string,
  event: string,
  body: string,
  nowSeconds: number,
): Record<string, string> {
  return {
    [SIGNATURE_HEADER]: signWebhook(secret, body, nowSeconds),
    [DELIVERY_HEADER]: deliveryId,
    [EVENT_HEADER]: event,
  };
}
