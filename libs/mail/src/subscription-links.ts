import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RadarConfig, SecretStore } from '@radar/config';

/** How long a manage link in an email stays valid. */
export const MANAGE_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type ManageTokenCheck =
  { ok: true; email: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' };

function mac(key: Buffer, email: string, expiresAtSeconds: number): Buffer {
  return createHmac('sha256', key).update(`manage\n${email}\n${expiresAtSeconds}`).digest();
}

/** `base64url(email).expirySeconds.base64url(HMAC-SHA256(key, email + expiry))`: no account, no stored state. */
export function signManageToken(key: Buffer, email: string, expiresAtMs: number): string {
  const expiresAtSeconds = Math.floor(expiresAtMs / 1000);
  return [
    Buffer.from(email, 'utf8').toString('base64url'),
    String(expiresAtSeconds),
    mac(key, email, expiresAtSeconds).toString('base64url'),
  ].join('.');
}

/** Checks the signature (constant time) before the expiry, so a forged token never learns whether it expired. */
export function verifyManageToken(key: Buffer, token: string, nowMs: number): ManageTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !/^\d{1,12}$/.test(parts[1]!)) return { ok: false, reason: 'invalid' };
  const email = Buffer.from(parts[0]!, 'base64url').toString('utf8');
  const expiresAtSeconds = Number(parts[1]);
  const given = Buffer.from(parts[2]!, 'base64url');
  const expected = mac(key, email, expiresAtSeconds);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  if (expiresAtSeconds * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, email, expiresAt: new Date(expiresAtSeconds * 1000) };
}

/** The links every subscriber email carries, built on PUBLIC_URL. */
@Injectable()
export class SubscriptionLinks {
  constructor(
    private readonly config: RadarConfig,
    private readonly secrets: SecretStore,
  ) {}

  confirmUrl(confirmToken: string): string {
    return `${this.config.publicUrl}/api/subscriptions/confirm?token=${encodeURIComponent(confirmToken)}`;
  }

  /** Unsubscribes one subscription; its token is an unguessable secret (RFC 8058 one-click by POST). */
  unsubscribeUrl(unsubscribeToken: string): string {
    return `${this.config.publicUrl}/api/subscriptions/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`;
  }

  /** Lists and unsubscribes every subscription of the address; signed, valid for MANAGE_TOKEN_TTL_MS. */
  manageUrl(email: string, nowMs = Date.now()): string {
    return `${this.config.publicUrl}/api/subscriptions/manage?token=${encodeURIComponent(this.manageToken(email, nowMs))}`;
  }

  manageToken(email: string, nowMs = Date.now()): string {
    return signManageToken(this.secrets.key, email, nowMs + MANAGE_TOKEN_TTL_MS);
  }

  verifyManageToken(token: string, nowMs = Date.now()): ManageTokenCheck {
    return verifyManageToken(this.secrets.key, token, nowMs);
  }
}
