import { readFileSync } from 'node:fs';
import { defaultTaxonomy } from '@radar/core';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import { classify } from './classify';

/** Agency names of federalregister.gov's agencies.csv (latin-1, CR line ends, quoted multi-line cells). */
function federalRegisterAgencyNames(): Set<string> {
  const text = readFileSync(
    sharedDataPath('real-docs', 'federalregister-api-core', 'data', 'agencies.csv'),
    'latin1',
  ).replace(/\r\n?/g, '\n');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  const col = rows[0]!.indexOf('agency_name');
  return new Set(
    rows
      .slice(1)
      .map((r) => (r[col] ?? '').trim())
      .filter((n) => n !== ''),
  );
}

describe('agencies: precision guards', () => {
  it('matches acronyms case-sensitively and common aliases', () => {
    expect(classify({ title: 'Pentagon and Department of War expand drone buys', body: '' }).agencies).toEqual([
      'Defense Department',
    ]);
    expect(classify({ title: 'DOE loan office backs reactor', body: '' }).agencies).toEqual(['Energy Department']);
    expect(classify({ title: 'Doe family sells ranch', body: '' }).agencies).toEqual([]);
  });

  it('reports an ambiguous acronym only when its agency or a parent is named plainly', () => {
    expect(classify({ title: 'ITA tariff data for Q3', body: 'ITA said trade grew.' }).agencies).toEqual([]);
    expect(
      classify({ title: 'Antidumping duties on steel', body: 'The Commerce Department and ITA set rates.' }).agencies,
    ).toEqual(['Commerce Department', 'International Trade Administration']);
    expect(classify({ title: 'ED grants for schools', body: 'ED will publish rules.' }).agencies).toEqual([]);
    expect(classify({ title: 'OPM retirement backlog', body: '' }).agencies).toEqual([]);
  });
});

describeWithSharedData('agencies: Federal Register names', () => {
  const names = federalRegisterAgencyNames();

  it('reads the latin-1, CR-only agency list', () => {
    expect(names.size).toBeGreaterThan(500); // 659 rows, 528 distinct names
    expect(names.has('Energy Department')).toBe(true);
  });

  it('every agency in the taxonomy (so every name classify can emit) is a Federal Register name', () => {
    const missing = (defaultTaxonomy().agencies ?? []).flatMap((a) => [a.name, ...(a.parent ? [a.parent] : [])]);
    expect(missing.filter((n) => !names.has(n))).toEqual([]);
  });

  it('emits only Federal Register names on real Federal Register documents', () => {
    const xml = readFileSync(
      sharedDataPath('real-docs', 'federalregister-api-core', 'spec', 'fixtures', '2016-04-15.xml'),
      'utf8',
    );
    const emitted = new Set<string>();
    for (const d of frIssueDocuments(xml)) for (const a of classify(d.input).agencies) emitted.add(a);
    expect(emitted.size).toBeGreaterThan(20);
    expect([...emitted].filter((n) => !names.has(n))).toEqual([]);
  });
});

interface FrDoc {
  type: 'rule' | 'proposed_rule' | 'notice' | 'presidential_document';
  input: { title: string; body: string };
}

const FR_TYPE: Record<string, FrDoc['type']> = {
  RULE: 'rule',
  PRORULE: 'proposed_rule',
  NOTICE: 'notice',
  PRESDOCU: 'presidential_document',
};

/** Documents of a daily Federal Register issue (GPO XML): subject as title, text without tags as body. */
function frIssueDocuments(xml: string): FrDoc[] {
  const out: FrDoc[] = [];
  for (const m of xml.matchAll(/<(RULE|PRORULE|NOTICE|PRESDOCU)>([\s\S]*?)<\/\1>/g)) {
    const inner = m[2]!;
    const subject = /<SUBJECT>([\s\S]*?)<\/SUBJECT>/.exec(inner)?.[1] ?? '';
    const strip = (s: string): string => s.replace(/<[^>]+>/g, ' ').replace(/[ \t]+/g, ' ');
    out.push({ type: FR_TYPE[m[1]!]!, input: { title: strip(subject).trim(), body: strip(inner) } });
  }
  return out;
}

describe('docType: formal document layouts', () => {
  it('reads FR ACTION lines, presidential documents, bills, press releases and funding notices', () => {
    const dt = (title: string, body: string): string => classify({ title, body }).docType;
    expect(dt('Special Local Regulation; Regatta', 'AGENCY: Coast Guard, DHS. ACTION: Temporary final rule.')).toBe(
      'rule',
    );
    expect(dt('Air Plan Approval; Ohio', 'AGENCY: EPA. ACTION: Proposed rule. SUMMARY: ...')).toBe('proposed_rule');
    expect(dt('Agency Information Collection', 'AGENCY: DOE. ACTION: Notice.')).toBe('notice');
    expect(
      dt('Meeting', 'BROADCASTING BOARD OF GOVERNORS Government in the Sunshine Act Meeting Notice DATE AND TIME:'),
    ).toBe('notice');
    expect(dt('Silicomanganese From Ukraine: Notice of Rescission of Antidumping Duty Review', '')).toBe('notice');
    expect(
      dt(
        'Establishment of a National Monument',
        'Title 3— The President\nProclamation 9423 of April 12, 2016\nBy the President of the United States of America\nA Proclamation',
      ),
    ).toBe('presidential_document');
    expect(dt('Executive Order 14117 of February 28, 2024', 'By the authority vested in me as President')).toBe(
      'presidential_document',
    );
    expect(dt('S. 1260 - United States Innovation and Competition Act', '')).toBe('bill');
    expect(dt('Quantum Leadership Act', 'A BILL\nTo establish a national quantum program.')).toBe('bill');
    expect(dt('Acme opens plant', 'FOR IMMEDIATE RELEASE\nAcme Corp. today opened a plant.')).toBe('press_release');
    expect(
      dt('Grid resilience grants', 'Funding Opportunity Number: DE-FOA-0003100\nApplications are due May 1.'),
    ).toBe('funding');
    expect(dt('DOE issues NOFO for transmission', '')).toBe('funding');
    expect(dt('Startup opens battery plant in Ohio', 'The company said on Tuesday it would hire 300 people.')).toBe(
      'news',
    );
  });
});

/** Floors sit just under what the classifier reaches; raise them when it improves. */
const FR_FLOOR = { issue: 0.88, api: 0.8 };

describeWithSharedData('docType against Federal Register document types', () => {
  it(`agrees with the daily issue's RULE/PRORULE/NOTICE/PRESDOCU sections (>= ${FR_FLOOR.issue})`, () => {
    const xml = readFileSync(
      sharedDataPath('real-docs', 'federalregister-api-core', 'spec', 'fixtures', '2016-04-15.xml'),
      'utf8',
    );
    const docs = frIssueDocuments(xml);
    expect(docs.length).toBe(146);
    const confusion = new Map<string, number>();
    let agree = 0;
    for (const d of docs) {
      const got = classify(d.input).docType;
      if (got === d.type) agree++;
      const k = `${d.type} -> ${got}`;
      confusion.set(k, (confusion.get(k) ?? 0) + 1);
    }
    const rate = agree / docs.length;
    expect({ rate, confusion: Object.fromEntries(confusion) }).toEqual({
      rate: expect.any(Number),
      confusion: expect.any(Object),
    });
    expect(rate).toBeGreaterThanOrEqual(FR_FLOOR.issue);
  });

  it(`agrees with the "type" of FR API search results (>= ${FR_FLOOR.api})`, () => {
    const json = JSON.parse(
      readFileSync(sharedDataPath('real-docs', 'monument-watch', 'tests', 'fixtures', 'federal_register.json'), 'utf8'),
    ) as { results: { type: string; title: string; abstract: string | null; html_url: string }[] };
    const want: Record<string, string> = {
      Rule: 'rule',
      'Proposed Rule': 'proposed_rule',
      Notice: 'notice',
      'Presidential Document': 'presidential_document',
    };
    const results = json.results.filter((r) => want[r.type] !== undefined);
    expect(results.length).toBeGreaterThanOrEqual(5);
    const agree = results.filter(
      (r) => classify({ title: r.title, body: r.abstract ?? '', url: r.html_url }).docType === want[r.type],
    ).length;
    expect(agree / results.length).toBeGreaterThanOrEqual(FR_FLOOR.api);
  });
});
