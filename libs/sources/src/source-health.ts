import type { Source } from './source';
import type { CrawlState } from './source-state.store';
import type { SourceHealth, SourceStatus } from './source-status';

export type { SourceHealth, SourceStatus } from './source-status';

/** Consecutive failures after which a source is flagged broken. */
export const BROKEN_AFTER_FAILURES = 5;
/** Silence tolerated before a source is stale, when no update rate has been observed yet. */
export const DEFAULT_EXPECTED_UPDATE_SECONDS = 7 * 86400;

const iso = (ms?: number) => (ms ? new Date(ms).toISOString() : undefined);

/**
 * How a source is doing: disabled (off, or missing its API key), broken (failing N times in a
 * row), stale (silent past its expected update period: three times its observed interval between
 * new items, or a week before one is known), pending (never fetched) or ok.
 */
export function sourceHealth(source: Source, state: CrawlState, now: number, disabledReason?: string): SourceHealth {
  const expectedUpdateSeconds = Math.max(
    source.intervalSeconds * 2,
    state.observedIntervalSeconds ? Math.round(state.observedIntervalSeconds * 3) : DEFAULT_EXPECTED_UPDATE_SECONDS,
  );
  let status: SourceStatus = 'ok';
  let reason: string | undefined;
  if (!source.enabled || disabledReason) {
    status = 'disabled';
    reason = disabledReason ?? 'disabled in the source file';
  } else if (state.errorCount >= BROKEN_AFTER_FAILURES) {
    status = 'broken';
    reason = `${state.errorCount} failures in a row; last: ${state.lastError ?? 'unknown'}`;
  } else if (!state.lastSuccessAt) {
    status = 'pending';
    reason = state.errorCount ? `not fetched successfully yet; last error: ${state.lastError}` : 'not fetched yet';
  } else {
    const silentSince = state.lastNewItemAt ?? state.lastSuccessAt;
    if (now - silentSince > expectedUpdateSeconds * 1000) {
      status = 'stale';
      reason = `nothing new for ${Math.round((now - silentSince) / 3600000)} h (expected within ${Math.round(expectedUpdateSeconds / 3600)} h)`;
    }
  }
  return {
    id: source.id,
    name: source.name,
    kind: source.kind,
    url: source.url,
    status,
    reason,
    intervalSeconds: state.intervalSeconds ?? source.intervalSeconds,
    lastSuccessAt: iso(state.lastSuccessAt),
    lastErrorAt: iso(state.lastErrorAt),
    lastError: state.lastError,
    consecutiveFailures: state.errorCount,
    itemsSeen: state.itemsSeen,
    lastNewItemAt: iso(state.lastNewItemAt),
    observedIntervalSeconds: state.observedIntervalSeconds,
    expectedUpdateSeconds,
    nextCheckAt: iso(state.nextCheckAt),
  };
}

/** Bounds of a source's adaptive interval. */
export function intervalBounds(source: Source): { min: number; max: number } {
  const min = source.minIntervalSeconds ?? Math.max(60, Math.floor(source.intervalSeconds / 4));
  const max = source.maxIntervalSeconds ?? source.intervalSeconds * 8;
  return { min: Math.min(min, source.intervalSeconds), max: Math.max(max, source.intervalSeconds) };
}

/**
 * The next interval from what the last crawl saw: something new pulls it halfway toward the
 * observed update interval (never below the minimum); nothing new stretches it by half (never
 * above the maximum). A new source starts at its configured interval.
 */
export function nextInterval(source: Source, state: CrawlState, foundNew: boolean): number {
  const { min, max } = intervalBounds(source);
  const current = state.intervalSeconds ?? source.intervalSeconds;
  if (foundNew) {
    const target = state.observedIntervalSeconds ? Math.max(min, state.observedIntervalSeconds / 2) : current;
    return Math.floor(Math.max(min, Math.min(max, (current + target) / 2)));
  }
  return Math.round(Math.min(max, Math.max(min, current * 1.5)));
}
