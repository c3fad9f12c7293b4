import { PhraseMatcher } from './matcher';
import { matchTokens, stem } from './normalize';

describe('stem', () => {
  it('conflates plurals only', () => {
    expect(stem('batteries')).toBe('battery');
    expect(stem('reactors')).toBe('reactor');
    expect(stem('switches')).toBe('switch');
    expect(stem('process')).toBe('process');
    expect(stem('status')).toBe('status');
    expect(stem('analysis')).toBe('analysis');
    expect(stem('gas')).toBe('gas');
    expect(stem('1990s')).toBe('1990s');
    expect(stem('mining')).toBe('mining');
  });
});

describe('matchTokens', () => {
  it('keeps offsets into the original text and folds diacritics', () => {
    const t = matchTokens('Rare-earth  Magnets, Café');
    expect(t.map((x) => x.key)).toEqual(['rare', 'earth', 'magnet', 'cafe']);
    expect(t.map((x) => [x.start, x.end])).toEqual([
      [0, 4],
      [5, 10],
      [12, 19],
      [21, 25],
    ]);
  });
});

describe('PhraseMatcher', () => {
  const m = new PhraseMatcher<string>([
    { text: 'rare earth', payload: 're' },
    { text: 'rare earth magnets', payload: 'magnet' },
    { text: 'battery', payload: 'battery' },
    { text: 'NRC', caseSensitive: true, payload: 'nrc' },
    { text: 'counter-UAS', caseSensitive: true, payload: 'cuas' },
    { text: 'small modular reactor', payload: 'smr' },
  ]);

  it('finds overlapping multi-token phrases with offsets', () => {
    const text = 'New rare-earth magnets plant';
    const found = m.scan(text).map((x) => [x.payloads[0], text.slice(x.start, x.end)]);
    expect(found).toEqual([
      ['re', 'rare-earth'],
      ['magnet', 'rare-earth magnets'],
    ]);
  });

  it('matches plural and singular forms both ways', () => {
    expect(m.scan('grid batteries').map((x) => x.payloads[0])).toEqual(['battery']);
    expect(m.scan('Small Modular Reactors (SMRs)').map((x) => x.payloads[0])).toEqual(['smr']);
  });

  it('checks capitals of case-sensitive tokens only, allowing a plural s', () => {
    expect(m.scan('The NRC said').length).toBe(1);
    expect(m.scan('the nrc said').length).toBe(0);
    expect(m.scan('two NRCs').length).toBe(1);
    expect(m.scan('Counter-UAS systems').map((x) => x.payloads[0])).toEqual(['cuas']);
    expect(m.scan('counter-uas systems').length).toBe(0);
  });

  it('does not match across partial phrases', () => {
    expect(m.scan('small modular design').length).toBe(0);
    expect(m.scan('').length).toBe(0);
  });
});
