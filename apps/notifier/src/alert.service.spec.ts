import type { Subscription } from '@radar/core';
import { batchWindowStart, wantsAlert, wantsInstantAlert } from './alert.service';

const sub = (prefs: Partial<Subscription>): Subscription => ({
  id: 's',
  email: 'a@example.org',
  query: '',
  status: 'confirmed',
  confirmToken: 'c'.repeat(16),
  unsubscribeToken: 'u'.repeat(16),
  createdAt: '2026-11-24T00:00:00.000Z',
  ...prefs,
});
const alert = {
  subSectors: ['nuclear-energy'],
  focusAreas: ['energy-independence-resilience'],
  advocacyGoals: ['permitting-reform'],
  priority: 'medium' as const,
};

describe('wantsInstantAlert', () => {
  it('takes every alert with no preferences (older subscriptions have none)', () => {
    expect(wantsInstantAlert(sub({}), alert)).toBe(true);
  });

  it('needs each non-empty list to meet the alert', () => {
    expect(wantsInstantAlert(sub({ sectors: ['solar'] }), alert)).toBe(false);
    expect(wantsInstantAlert(sub({ sectors: ['solar', 'nuclear-energy'], areas: [] }), alert)).toBe(true);
    expect(wantsInstantAlert(sub({ areas: ['defense-aerospace'] }), alert)).toBe(false);
    expect(wantsInstantAlert(sub({ goals: ['permitting-reform'] }), alert)).toBe(true);
    expect(wantsInstantAlert(sub({ goals: ['workforce-training'] }), alert)).toBe(false);
  });

  it('needs the alert priority to reach minPriority', () => {
    expect(wantsInstantAlert(sub({ minPriority: 'medium' }), alert)).toBe(true);
    expect(wantsInstantAlert(sub({ minPriority: 'high' }), alert)).toBe(false);
    expect(wantsInstantAlert(sub({ minPriority: 'high' }), { ...alert, priority: 'high' })).toBe(true);
  });

  it('leaves daily and weekly subscriptions to digests', () => {
    expect(wantsInstantAlert(sub({ frequency: 'daily' }), alert)).toBe(false);
    expect(wantsInstantAlert(sub({ frequency: 'weekly' }), alert)).toBe(false);
  });

  it('applies the same preferences to digests, whatever the frequency', () => {
    expect(wantsAlert(sub({ frequency: 'daily', minPriority: 'medium' }), alert)).toBe(true);
    expect(wantsAlert(sub({ frequency: 'weekly', sectors: ['solar'] }), alert)).toBe(false);
  });
});

describe('batchWindowStart', () => {
  it('aligns windows so every worker agrees', () => {
    expect(batchWindowStart(125_999, 60_000)).toBe(120_000);
    expect(batchWindowStart(180_000, 60_000)).toBe(180_000);
  });
});
