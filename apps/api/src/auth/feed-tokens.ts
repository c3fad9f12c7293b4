import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Feed tokens: feed readers and calendar apps cannot send an Authorization header, so a feed URL
 * may carry `token=<keyId>.<mac>`, an HMAC-SHA256 (key: the deployment secret) of the key id and
 * the URL's path and query without `token`. A token opens exactly that feed with the filters it
 * was made for, as the key that made it; revoking the key revokes its feed tokens.
 */

/** Path + query in a canonical order, without `token`. */
export function canonicalFeedTarget(path: string, query: URLSearchParams): string {
  const pairs = [...query.entries()]
    .filter(([k]) => k !== 'token')
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const rest = new URLSearchParams(pairs).toString();
  return rest ? `${path}?${rest}` : path;
}

function mac(secret: Buffer, keyId: string, target: string): Buffer {
  return createHmac('sha256', secret).update(`feed\n${keyId}\n${target}`).digest();
}

export function signFeedToken(secret: Buffer, keyId: string, target: string): string {
  return `${keyId}.${mac(secret, keyId, target).toString('base64url')}`;
}

/** The issuing key id when the token is a valid signature of `target`; null otherwise. */
export function verifyFeedToken(secret: Buffer, token: string, target: string): string | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const keyId = token.slice(0, dot);
  if (!/^[a-f0-9]{12}$/.test(keyId)) return null;
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(secret, keyId, target);
  return given.length === expected.length && timingSafeEqual(given, expected) ? keyId : null;
}
