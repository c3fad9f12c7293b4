import type { SourceKind } from './source';

/**
 * What GET /api/sources reports of one source: plain data, no I/O, so the web app can import the
 * types too. `sourceHealth` (source-health.ts) computes it.
 */

export type SourceStatus = 'ok' | 'pending' | 'stale' | 'broken' | 'disabled';

export interface SourceHealth {
  id: string;
  name: string;
  kind: SourceKind;
  url: string;
  status: SourceStatus;
  /** Why the status is what it is, in words an operator can act on. */
  reason?: string;
  intervalSeconds: number;
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  consecutiveFailures: number;
  itemsSeen: number;
  lastNewItemAt?: string;
  observedIntervalSeconds?: number;
  expectedUpdateSeconds: number;
  nextCheckAt?: string;
}
