import type { Feedback } from '@radar/core';
import { evaluateFeedback, formatFeedbackTable } from './feedback-eval';

const fb = (
  documentId: string,
  kind: Feedback['kind'],
  label: string,
  createdAt = '2026-11-24T00:00:00Z',
): Feedback => ({
  id: `${documentId}-${label}-${createdAt}`,
  documentId,
  kind,
  label,
  createdAt,
});

describe('evaluateFeedback', () => {
  it('counts a wrong tag as met once it is gone and a missing tag once it is given', () => {
    const result = evaluateFeedback([
      { feedback: fb('d1', 'wrong_tag', 'shipbuilding'), predicted: ['critical-minerals-mining-processing'] },
      { feedback: fb('d2', 'wrong_tag', 'shipbuilding'), predicted: ['shipbuilding'] },
      { feedback: fb('d3', 'missing_tag', 'nuclear-energy'), predicted: ['nuclear-energy'] },
      { feedback: fb('d4', 'missing_tag', 'nuclear-energy'), predicted: [] },
    ]);
    expect(result).toMatchObject({
      n: 4,
      agreed: 2,
      agreement: 0.5,
      wrongTag: { n: 2, agreed: 1 },
      missingTag: { n: 2, agreed: 1 },
    });
    expect(result.perLabel.shipbuilding).toEqual({ n: 2, agreed: 1 });
    expect(result.outstanding).toEqual([
      { documentId: 'd2', kind: 'wrong_tag', label: 'shipbuilding' },
      { documentId: 'd4', kind: 'missing_tag', label: 'nuclear-energy' },
    ]);
    expect(formatFeedbackTable(result)).toContain('agrees with 2 (50.0%)');
  });

  it('lets the latest entry for a document and label win', () => {
    const result = evaluateFeedback([
      { feedback: fb('d1', 'missing_tag', 'solar', '2026-11-24T10:00:00Z'), predicted: [] },
      { feedback: fb('d1', 'wrong_tag', 'solar', '2026-11-23T10:00:00Z'), predicted: [] },
    ]);
    expect(result).toMatchObject({ n: 1, agreed: 0, missingTag: { n: 1, agreed: 0 } });
  });
});
