/**
 * API keys: who may call the non-public API. A key is shown once at creation; only its SHA-256
 * hash is stored (keys are 256-bit random, so a fast hash is enough: there is nothing to guess).
 *
 * Roles: `admin` may do everything (sources, keys, reindex, queues, metrics, outbox);
 * `analyst` searches, reads documents, exports, trends and saved-search feeds; `policy` reads and
 * triages alerts and their feeds and searches. Public endpoints (subscribe, confirm, manage,
 * unsubscribe, the taxonomy, health) take no key.
 */
export const API_ROLES = ['admin', 'analyst', 'policy'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiKey {
  /** Public identifier, shown in listings and logs, used to revoke (not a secret). */
  id: string;
  /** Free text: whose key it is. */
  name: string;
  role: ApiRole;
  /** Hex SHA-256 of the key. */
  hash: string;
  createdAt: string;
  /** Set when revoked; a revoked key authenticates nothing. */
  revokedAt?: string;
}

export function isApiRole(value: unknown): value is ApiRole {
  return typeof value === 'string' && (API_ROLES as readonly string[]).includes(value);
}
