import { parseSources } from './source';
import { BROKEN_AFTER_FAILURES, intervalBounds, nextInterval, sourceHealth } from './source-health';
import type { CrawlState } from './source-state.store';

const [source] = parseSources(
  [{ id: 's', name: 'S', kind: 'rss', url: 'https://agency.example.gov/feed', intervalSeconds: 900 }],
  'test',
);
const NOW = Date.parse('2026-11-24T12:00:00Z');
const base: CrawlState = { nextCheckAt: 0, errorCount: 0, itemsSeen: 0 };

describe('source health', () => {
  it('is pending before the first success, ok after it', () => {
    expect(sourceHealth(source, base, NOW).status).toBe('pending');
    const ok = sourceHealth(
      source,
      { ...base, lastSuccessAt: NOW - 1000, lastNewItemAt: NOW - 1000, itemsSeen: 3 },
      NOW,
    );
    expect(ok).toMatchObject({ status: 'ok', itemsSeen: 3, consecutiveFailures: 0 });
  });

  it('is broken after N failures in a row, with the last error as the reason', () => {
    const h = sourceHealth(
      source,
      { ...base, lastSuccessAt: NOW - 5000, errorCount: BROKEN_AFTER_FAILURES, lastError: 'HTTP 500' },
      NOW,
    );
    expect(h.status).toBe('broken');
    expect(h.reason).toContain('HTTP 500');
  });

  it('is stale when silent past three times its observed update interval', () => {
    const state = {
      ...base,
      lastSuccessAt: NOW - 1000,
      observedIntervalSeconds: 3600,
      lastNewItemAt: NOW - 4 * 3600 * 1000,
    };
    const h = sourceHealth(source, state, NOW);
    expect(h.expectedUpdateSeconds).toBe(3 * 3600);
    expect(h.status).toBe('stale');
    expect(sourceHealth(source, { ...state, lastNewItemAt: NOW - 2 * 3600 * 1000 }, NOW).status).toBe('ok');
  });

  it('is disabled with the reason when an API key is missing', () => {
    const h = sourceHealth(source, base, NOW, 'needs an API key: set CONGRESS_GOV_API_KEY');
    expect(h).toMatchObject({ status: 'disabled', reason: 'needs an API key: set CONGRESS_GOV_API_KEY' });
  });
});

describe('adaptive interval', () => {
  it('stays within the source’s bounds', () => {
    expect(intervalBounds(source)).toEqual({ min: 225, max: 7200 });
    let state: CrawlState = { ...base };
    for (let i = 0; i < 20; i++) state = { ...state, intervalSeconds: nextInterval(source, state, false) };
    expect(state.intervalSeconds).toBe(7200);
    state = { ...state, observedIntervalSeconds: 60 };
    for (let i = 0; i < 20; i++) state = { ...state, intervalSeconds: nextInterval(source, state, true) };
    expect(state.intervalSeconds).toBe(225);
  });

  it('starts from the configured interval and shortens when updates come often', () => {
    expect(nextInterval(source, base, false)).toBe(1350);
    expect(nextInterval(source, { ...base, observedIntervalSeconds: 600 }, true)).toBe(600);
  });
});
