import { Alert, defaultTaxonomy } from '@radar/core';
import { groupByFocusArea } from './digest.service';

const alert = (
  id: string,
  focusAreas: string[],
  priority: Alert['priority'] = 'medium',
  createdAt = '2026-11-24T10:00:00.000Z',
): Alert => ({
  id,
  documentId: id,
  documentVersion: 1,
  title: `Alert ${id}`,
  url: `https://example.gov/${id}`,
  sourceIds: ['s'],
  docType: 'rule',
  subSectors: [],
  focusAreas,
  advocacyGoals: [],
  policyEvents: [],
  priority,
  reason: 'Final rule',
  publishedAt: createdAt,
  createdAt,
  updatedAt: createdAt,
  state: 'new',
});

describe('groupByFocusArea', () => {
  const taxonomy = defaultTaxonomy();

  it('groups in taxonomy order with "Other" last, each alert once, most important first', () => {
    const groups = groupByFocusArea(
      [
        alert('a', ['energy-independence-resilience'], 'low', '2026-11-24T11:00:00.000Z'),
        alert('b', []),
        alert('c', ['defense-aerospace', 'energy-independence-resilience']),
        alert('d', ['energy-independence-resilience'], 'high', '2026-11-24T09:00:00.000Z'),
        alert('e', ['energy-independence-resilience'], 'low', '2026-11-24T12:00:00.000Z'),
      ],
      taxonomy,
    );
    expect(groups.map((g) => [g.name, g.alerts.map((a) => a.id)])).toEqual([
      ['Defense and Aerospace', ['c']],
      ['Energy Independence and Resilience', ['d', 'e', 'a']],
      ['Other', ['b']],
    ]);
  });

  it('files an alert under the area the subscriber asked for', () => {
    const groups = groupByFocusArea([alert('c', ['defense-aerospace', 'energy-independence-resilience'])], taxonomy, [
      'energy-independence-resilience',
    ]);
    expect(groups.map((g) => g.name)).toEqual(['Energy Independence and Resilience']);
  });
});
