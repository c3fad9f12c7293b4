import { defaultTaxonomy, parseTaxonomy, Taxonomy } from '@radar/core';
import { classify, SCORING } from './classify';
import { compileTaxonomy } from './compile';

const ids = (c: { subSectors: { id: string }[] }): string[] => c.subSectors.map((s) => s.id);

describe('classify: sub-sectors', () => {
  it('tags a clear nuclear story with evidence pointing into the original text', () => {
    const body =
      'The Energy Department said the small modular reactor will use HALEU fuel supplied by a domestic enrichment plant.';
    const c = classify({ title: 'NRC approves construction permit for first SMR', body });
    expect(ids(c)[0]).toBe('nuclear-energy');
    expect(c.focusAreas).toEqual(['energy-independence-resilience']);
    const top = c.subSectors[0]!;
    expect(top.score).toBeGreaterThan(0.6);
    expect(top.score).toBeLessThanOrEqual(1);
    for (const e of top.evidence) {
      const text = e.field === 'title' ? 'NRC approves construction permit for first SMR' : body;
      expect(text.slice(e.offset, e.offset + e.phrase.length)).toBe(e.phrase);
    }
    expect(top.evidence.map((e) => e.phrase)).toEqual(expect.arrayContaining(['small modular reactor', 'HALEU']));
  });

  it('sorts sub-sectors by score and derives focus areas from them', () => {
    const c = classify({
      title: 'Utility pairs grid-scale battery storage with a new solar farm',
      body: 'The battery energy storage system (BESS) uses lithium iron phosphate cells. The solar project adds 200 MW of photovoltaic modules.',
    });
    expect(ids(c)).toEqual(expect.arrayContaining(['battery-storage', 'solar']));
    const scores = c.subSectors.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(c.focusAreas).toEqual(['energy-independence-resilience']);
  });

  it('does not tag on a single weak passing mention', () => {
    const c = classify({
      title: 'Quarterly results',
      body: 'Revenue rose; the company also sells some steel brackets and a radio.',
    });
    expect(c.subSectors).toEqual([]);
    expect(c.priority).toBe('none');
  });

  it('weights the title above the body', () => {
    const inTitle = classify({ title: 'Drones', body: 'Officials discussed the budget.' });
    const inBody = classify({ title: 'Budget talks', body: 'Officials discussed drones.' });
    expect(ids(inTitle)).toEqual(['unmanned-systems']);
    expect(ids(inBody)).toEqual([]);
  });

  it('uses the summary as a field of its own', () => {
    const c = classify({
      title: 'Weekly roundup',
      summary: 'Army orders more 155mm artillery shells from a new plant.',
    });
    expect(ids(c)).toContain('munitions-missiles-hypersonics');
    expect(c.subSectors[0]!.evidence[0]!.field).toBe('summary');
  });

  it('damps repetition so one repeated weak word does not dominate', () => {
    const once = classify({ title: '', body: 'satellite' });
    const many = classify({ title: '', body: 'satellite satellite satellite satellite satellite satellite' });
    expect(ids(once)).toEqual([]);
    expect(ids(many)).toEqual(['spacecraft']);
    expect(many.subSectors[0]!.score).toBeLessThan(0.6);
  });
});

describe('classify: disambiguation of look-alikes', () => {
  const cases: [string, string, string][] = [
    [
      'crypto mining',
      'Bitcoin miners expand',
      'Bitcoin mining firms added hash rate as miners bought new rigs; mining difficulty rose after the halving.',
    ],
    [
      'data mining',
      'The evolution of data mining',
      'Retailers use data mining and text mining to find patterns in customer purchases.',
    ],
    [
      'robo-advisors',
      'Compare robo-advisors',
      'Robo-advisors use algorithms to rebalance a portfolio for low investment fees.',
    ],
    ['robocalls', 'FCC fines robocaller', 'The robocall campaign placed millions of robocalls about car warranties.'],
    [
      'fentanyl precursors',
      'Agents seize precursor chemicals',
      'DEA agents seized fentanyl precursor chemicals shipped by traffickers for illicit drug production.',
    ],
    [
      'parcel shipping',
      'Shipping rates rise',
      'UPS and FedEx raised parcel shipping rates for e-commerce sellers; free shipping thresholds rose.',
    ],
    [
      'sunscreen nanoparticles',
      'Are nanoparticles in sunscreen safe?',
      'Zinc oxide nanoparticles in sunscreen and other cosmetics absorb UV light; the lotion stays clear.',
    ],
    [
      'hobby drones',
      'Best mini drones for beginners',
      'These toy drones are fun for kids and hobbyists; a selfie drone is worth the money for beginners.',
    ],
    [
      'solar eclipse',
      'Watching the solar eclipse',
      'Use eclipse glasses during totality; the moon covers the sun in this rare solar eclipse.',
    ],
    [
      'assault and battery',
      'Man charged after fight',
      'Police arrested a man charged with assault and battery after the altercation.',
    ],
    [
      'phone battery',
      'Make your iPhone battery last',
      'Tips for iPhone battery life: lower brightness and check which apps drain the battery.',
    ],
    [
      'sports missiles',
      'Quarterback fires a missile for the touchdown',
      'The NFL quarterback launched a missile downfield for a Hail Mary touchdown.',
    ],
    ['cutting edge', 'A cutting-edge kitchen', 'This cutting-edge oven gives home cooks a competitive edge.'],
  ];
  it.each(cases)('%s gets no sub-sector', (_name, title, body) => {
    expect(ids(classify({ title, body }))).toEqual([]);
  });

  it('keeps malware "command and control servers" out of command-and-control', () => {
    const c = classify({
      title: 'Malware uses new C2 servers',
      body: 'The botnet malware contacts command and control servers run by threat actors.',
    });
    expect(ids(c)).not.toContain('command-and-control');
  });

  it('keeps the real sense when the look-alike is absent', () => {
    expect(
      ids(
        classify({
          title: 'Lithium mining project wins federal permit',
          body: 'The open-pit lithium mine in Nevada...',
        }),
      ),
    ).toContain('critical-minerals-mining-processing');
    expect(
      ids(
        classify({
          title: 'Onshoring active pharmaceutical ingredients',
          body: 'Key starting materials and API plants.',
        }),
      ),
    ).toEqual(['pharmaceutical-precursors']);
    expect(
      ids(
        classify({
          title: 'Navy shipyard capacity',
          body: 'The shipbuilding industrial base for Virginia-class submarines.',
        }),
      ),
    ).toEqual(['shipbuilding']);
  });

  it('masks cyber "C2 servers" for command-and-control but still tags cybersecurity', () => {
    const c = classify({
      title: 'CISA warns of ransomware',
      body: 'Ransomware operators used C2 servers; CISA and the FBI issued an advisory.',
    });
    expect(ids(c)).toEqual(['cybersecurity']);
  });
});

describe('classify: taxonomy is data', () => {
  const custom: Taxonomy = parseTaxonomy({
    version: 'test',
    focusAreas: [{ id: 'energy', name: 'Energy' }],
    subSectors: [
      {
        id: 'fission',
        name: 'Fission Power',
        focusArea: 'energy',
        definition: 'Nuclear fission power plants.',
        terms: [
          { term: 'reactor', weight: 2 },
          { term: 'NRC', weight: 2, caseSensitive: true },
        ],
        exclude: ['reactor game'],
        threshold: 2,
      },
    ],
    advocacyGoals: [{ id: 'speed', name: 'Speed', terms: [{ term: 'permitting reform', weight: 3 }] }],
    agencies: [
      { name: 'Nuclear Regulatory Commission', aliases: ['Nuclear Regulatory Commission'], acronyms: ['NRC'] },
    ],
  });

  it('classifies against a renamed or replaced taxonomy without code changes', () => {
    const c = classify({ title: 'NRC and the reactor', body: 'Permitting reform would help.' }, custom);
    expect(ids(c)).toEqual(['fission']);
    expect(c.focusAreas).toEqual(['energy']);
    expect(c.advocacyGoals.map((g) => g.id)).toEqual(['speed']);
    expect(c.agencies).toEqual(['Nuclear Regulatory Commission']);
  });

  it('honours a per-sub-sector threshold and excludes', () => {
    expect(ids(classify({ title: 'reactor', body: '' }, custom))).toEqual(['fission']);
    expect(ids(classify({ title: 'reactor game review', body: '' }, custom))).toEqual([]);
  });

  it('compiles each taxonomy once', () => {
    expect(compileTaxonomy(custom)).toBe(compileTaxonomy(custom));
    expect(compileTaxonomy(defaultTaxonomy())).not.toBe(compileTaxonomy(custom));
  });
});

describe('classify: agencies, goals, doc type, events, policy action, priority', () => {
  it('names agencies the Federal Register way, with parents', () => {
    const c = classify({
      title: 'BIS adds chipmakers to the Entity List',
      body: 'The Bureau of Industry and Security at the Commerce Department acted with the Pentagon and the Department of Energy.',
    });
    expect(c.agencies).toEqual(
      expect.arrayContaining([
        'Industry and Security Bureau',
        'Commerce Department',
        'Defense Department',
        'Energy Department',
      ]),
    );
    expect(c.policyEvents.map((e) => e.kind)).toContain('export_control');
    expect(c.policyAction).toBe(true);
  });

  it('reads a proposed rule with its comment deadline', () => {
    const c = classify({
      title: 'Cyber Incident Reporting for Critical Infrastructure Act (CIRCIA) Reporting Requirements',
      summary: 'AGENCY: Cybersecurity and Infrastructure Security Agency. ACTION: Proposed rule.',
      body: 'DATES: Comments must be received by June 3, 2026. CISA proposes rules requiring covered entities to report cyber incidents within 72 hours.',
      url: 'https://www.federalregister.gov/documents/2026/04/04/2026-01234/circia',
    });
    expect(c.docType).toBe('proposed_rule');
    expect(c.policyEvents).toEqual(
      expect.arrayContaining([{ kind: 'proposed_rule' }, { kind: 'comment_deadline', date: '2026-06-03' }]),
    );
    expect(c.policyAction).toBe(true);
    expect(ids(c)[0]).toBe('cybersecurity');
    // agencies.csv (the Federal Register list we normalise to) has no CISA entry: reported under DHS.
    expect(c.agencies[0]).toBe('Homeland Security Department');
    expect(c.priority).toBe('high');
    expect(c.priorityReason).toMatch(/proposed rule/);
    expect(c.priorityReason).not.toMatch(/\n/);
  });

  it('reads a final rule with an effective date', () => {
    const c = classify({
      title: 'Final rule: reliability standards for extreme weather',
      body: 'FERC issued a final rule directing NERC to develop transmission planning reliability standards. The rule is effective March 30, 2026.',
    });
    expect(c.policyEvents).toEqual(
      expect.arrayContaining([{ kind: 'final_rule' }, { kind: 'effective_date', date: '2026-03-30' }]),
    );
    expect(c.docType).toBe('rule');
    expect(ids(c)).toContain('grid-resilience');
    expect(c.priority).toBe('high');
  });

  it('reads an interim final rule without also calling it a final rule', () => {
    const c = classify({
      title: 'Interim final rule on drone imports',
      body: 'The interim final rule takes effect on January 2, 2026.',
    });
    const kinds = c.policyEvents.map((e) => e.kind);
    expect(kinds).toContain('interim_final_rule');
    expect(kinds).not.toContain('final_rule');
  });

  it('recognises executive orders, bills, tariffs, awards, permits and funding', () => {
    const kinds = (title: string, body = ''): string[] => classify({ title, body }).policyEvents.map((e) => e.kind);
    expect(kinds('President signs executive order on critical minerals')).toContain('executive_order');
    expect(kinds('Senators introduce bipartisan bill to ban Chinese lidar')).toContain('bill_introduced');
    expect(kinds('Shipbuilding act signed into law')).toContain('bill_enacted');
    expect(kinds('Section 232 tariffs on steel raised to 50%')).toContain('tariff');
    expect(kinds('Army awards $100 million contract for counter-drone systems')).toContain('award');
    expect(kinds('BLM issues record of decision for lithium mine')).toContain('permit_decision');
    expect(kinds('DOE opens $2 billion funding opportunity for grid resilience')).toContain('funding_opportunity');
    expect(kinds('Treasury imposes sanctions on drone suppliers')).toContain('sanction');
  });

  it('classifies presidential documents and bills by their form', () => {
    expect(
      classify({
        title: 'Executive Order 14999: Unleashing drone dominance',
        body: 'By the authority vested in me as President...',
      }).docType,
    ).toBe('presidential_document');
    expect(classify({ title: 'H.R. 1234 - Quantum Leadership Act', body: '' }).docType).toBe('bill');
    expect(classify({ title: 'Startup opens battery plant', body: '' }).docType).toBe('news');
  });

  it('says no policy action for industry news, and gives low priority to relevant non-action news', () => {
    const c = classify({
      title: 'Startup opens carbon nanotube factory',
      body: 'The company scaled its carbon nanotube sheets and graphene production for aerospace customers.',
    });
    expect(c.policyAction).toBe(false);
    expect(ids(c)).toEqual(['nanomaterials-microelectronics']);
    expect(c.priority).toBe('low');
  });

  it('gives a policy action outside the sub-sectors no priority', () => {
    const c = classify({
      title: 'FCC proposes $300 million fine against robocaller',
      body: 'The Federal Communications Commission proposed a record fine.',
    });
    expect(c.policyAction).toBe(true);
    expect(c.subSectors).toEqual([]);
    expect(c.priority).toBe('none');
  });

  it('tags advocacy goals', () => {
    const c = classify({
      title: 'Order speeds mine permitting',
      body: 'The executive order directs FAST-41 coverage, NEPA categorical exclusions and permitting reform for critical minerals projects.',
    });
    expect(c.advocacyGoals.map((g) => g.id)).toContain('permitting-reform');
  });

  it('handles empty input', () => {
    const c = classify({ title: '' });
    expect(c).toEqual({
      subSectors: [],
      focusAreas: [],
      advocacyGoals: [],
      docType: 'news',
      policyEvents: [],
      policyAction: false,
      agencies: [],
      priority: 'none',
      priorityReason: 'No SRI sub-sector matched',
    });
  });

  it('keeps scores in 0..1 and exposes its tunables', () => {
    expect(SCORING.threshold).toBeGreaterThan(0);
    const c = classify({
      title: 'Shipbuilding shipyard submarine industrial base Virginia-class Columbia-class',
      body: 'shipbuilding '.repeat(50),
    });
    expect(c.subSectors[0]!.score).toBeGreaterThan(0.8);
    expect(c.subSectors[0]!.score).toBeLessThanOrEqual(1);
  });
});
