import { readFileSync } from 'node:fs';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import data from '../data/taxonomy.json';
import { defaultTaxonomy, focusAreaOf, parseTaxonomy, subSectorById, subSectorsOf } from './taxonomy';

function minimal(): Record<string, unknown> {
  return {
    version: '1',
    focusAreas: [{ id: 'fa', name: 'Focus' }],
    subSectors: [
      { id: 'a', name: 'A', focusArea: 'fa', definition: 'def a', terms: [{ term: 'alpha', weight: 2 }] },
      {
        id: 'b',
        name: 'B',
        focusArea: 'fa',
        definition: 'def b',
        terms: [{ term: 'NRC', weight: 3, caseSensitive: true }],
        exclude: ['beta blocker'],
      },
    ],
    advocacyGoals: [{ id: 'g', name: 'Goal', terms: [{ term: 'permitting', weight: 2 }] }],
  };
}

describe('parseTaxonomy', () => {
  it('accepts a minimal taxonomy and keeps optional fields', () => {
    const t = parseTaxonomy(minimal());
    expect(t.subSectors.map((s) => s.id)).toEqual(['a', 'b']);
    expect(t.subSectors[1]!.terms[0]).toEqual({ term: 'NRC', weight: 3, caseSensitive: true });
    expect(t.subSectors[1]!.exclude).toEqual(['beta blocker']);
    expect(t.agencies).toBeUndefined();
  });

  it('reports every problem in one error', () => {
    const bad = minimal();
    bad['subSectors'] = [
      { id: 'a', name: 'A', focusArea: 'fa', definition: 'd', terms: [{ term: 'x', weight: 2 }] },
      { id: 'a', name: 'A2', focusArea: 'nope', definition: 'd', terms: [] },
      {
        id: 'c',
        name: 'C',
        focusArea: 'fa',
        definition: 'd',
        terms: [
          { term: 'y', weight: 0 },
          { term: 'z', weight: 11 },
          { term: 'w', weight: 'heavy' },
        ],
      },
    ];
    bad['advocacyGoals'] = [{ id: 'g', name: 'G', terms: [] }];
    let message = '';
    try {
      parseTaxonomy(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('duplicate sub-sector id "a"');
    expect(message).toContain('unknown focus area "nope"');
    expect(message).toContain('empty vocabulary');
    expect(message).toMatch(/bad weight 0\b/);
    expect(message).toMatch(/bad weight 11\b/);
    expect(message).toContain('bad weight "heavy"');
    expect(message).toContain('advocacyGoals[0] (g)');
    expect(message.split('\n- ').length - 1).toBeGreaterThanOrEqual(6);
  });

  it('rejects non-objects, missing fields, duplicate focus areas and bad agency parents', () => {
    expect(() => parseTaxonomy(null)).toThrow(/root must be an object/);
    const bad = minimal();
    bad['version'] = '';
    bad['focusAreas'] = [
      { id: 'fa', name: 'F' },
      { id: 'fa', name: 'F again' },
    ];
    bad['agencies'] = [{ name: 'X Bureau', aliases: ['X Bureau'], parent: 'Missing Department' }];
    expect(() => parseTaxonomy(bad)).toThrow(
      /"version" must be a non-empty string[\s\S]*duplicate focus area id "fa"[\s\S]*unknown parent/,
    );
  });

  it('rejects duplicate terms, empty exclude phrases and non-kebab ids', () => {
    const bad = minimal();
    bad['subSectors'] = [
      {
        id: 'Bad Id',
        name: 'A',
        focusArea: 'fa',
        definition: 'd',
        terms: [
          { term: 'x', weight: 2 },
          { term: 'X', weight: 3 },
        ],
        exclude: ['  '],
      },
    ];
    expect(() => parseTaxonomy(bad)).toThrow(/kebab-case[\s\S]*duplicate term "X"|duplicate term "X"[\s\S]*kebab-case/);
    expect(() => parseTaxonomy(bad)).toThrow(/exclude\[0\]/);
  });
});

describe('defaultTaxonomy', () => {
  const t = defaultTaxonomy();

  it('bundles 4 focus areas, 27 sub-sectors and 9 advocacy goals', () => {
    expect(t.focusAreas).toHaveLength(4);
    expect(t.subSectors).toHaveLength(27);
    expect(t.advocacyGoals).toHaveLength(9);
    expect(t.version).toMatch(/\S/);
  });

  it('is parsed once, frozen, and equal to parsing the data file', () => {
    expect(defaultTaxonomy()).toBe(t);
    expect(Object.isFrozen(t.subSectors[0]!.terms)).toBe(true);
    expect(parseTaxonomy(data)).toEqual(t);
  });

  it('gives every sub-sector a definition and a vocabulary with at least one decisive term', () => {
    for (const s of t.subSectors) {
      expect(s.definition.length).toBeGreaterThan(40);
      expect(s.terms.length).toBeGreaterThanOrEqual(15);
      expect(s.terms.some((x) => x.weight >= 3)).toBe(true);
    }
  });

  it('resolves sub-sectors and focus areas', () => {
    expect(subSectorById(t, 'nuclear-energy')?.name).toBe('Nuclear Energy');
    expect(focusAreaOf(t, 'nuclear-energy')?.id).toBe('energy-independence-resilience');
    expect(focusAreaOf(t, 'no-such-thing')).toBeUndefined();
    expect(subSectorsOf(t, 'defense-aerospace')).toHaveLength(9);
  });

  it('names agencies the Federal Register way', () => {
    const names = (t.agencies ?? []).map((a) => a.name);
    for (const n of [
      'Energy Department',
      'Defense Department',
      'Nuclear Regulatory Commission',
      'Industry and Security Bureau',
    ]) {
      expect(names).toContain(n);
    }
  });
});

interface RefSub {
  id: string;
  name: string;
}
interface RefFocus {
  id: string;
  name: string;
  sub_sectors: RefSub[];
}
interface Reference {
  focus_areas: RefFocus[];
  advocacy_goals: { id: string; name: string }[];
}

describeWithSharedData('taxonomy matches the team reference (../shared/taxonomy/reference.json)', () => {
  const ref = JSON.parse(readFileSync(sharedDataPath('..', 'taxonomy', 'reference.json'), 'utf8')) as Reference;
  const t = defaultTaxonomy();

  it('has the same focus areas', () => {
    expect(t.focusAreas.map((f) => [f.id, f.name])).toEqual(ref.focus_areas.map((f) => [f.id, f.name]));
  });

  it('has the same sub-sector ids, names and focus areas, in order', () => {
    const expected = ref.focus_areas.flatMap((f) => f.sub_sectors.map((s) => [s.id, s.name, f.id]));
    const actual = t.subSectors.map((s) => [s.id, s.name, s.focusArea]);
    expect(actual).toEqual(expected);
  });

  it('has the same advocacy goals', () => {
    expect(t.advocacyGoals.map((g) => [g.id, g.name])).toEqual(ref.advocacy_goals.map((g) => [g.id, g.name]));
  });
});
