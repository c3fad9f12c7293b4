import { readFileSync } from 'node:fs';
import { describeWithSharedData, sharedDataPath } from '@radar/testing';
import { billId, extractIdentifiers, isEmptyIdentifiers, mergeIdentifiers } from './identifiers';

describe('extractIdentifiers', () => {
  it('finds Federal Register document numbers, labelled and bare', () => {
    expect(
      extractIdentifiers('[FR Doc. 2016-08717 Filed 4-14-16; 8:45 am] See also 2026-01234 and FR Doc. 99-1234.')
        .frDocumentNumbers,
    ).toEqual(['2016-08717', '99-1234', '2026-01234']);
  });

  it('finds FR citations in both spellings', () => {
    expect(
      extractIdentifiers('published at 91 FR 12345, and see 81 Fed. Reg. 22138 and 81 F.R. 9').frCitations,
    ).toEqual(['91 FR 12345', '81 FR 22138', '81 FR 9']);
  });

  it('finds regulations.gov docket ids of many agencies and cuts document suffixes', () => {
    const text =
      'Docket ID No. EPA-HQ-OAR-2021-0317; NRC-2024-0123; [Docket No. BIS-2025-0001]; USTR-2025-0002; ' +
      'FDA-2014-D-0044; [EPA-R09-OAR-2014-0636; FRL-9944-93-Region 9]; ED-2015-OESE-0130; DOD-2016-OS-0043; ' +
      'PTO-P-2016-0001; comment EPA-HQ-OAR-2021-0317-0042; FRA-2003-15196-0014';
    expect(extractIdentifiers(text).dockets).toEqual([
      'EPA-HQ-OAR-2021-0317',
      'NRC-2024-0123',
      'BIS-2025-0001',
      'USTR-2025-0002',
      'FDA-2014-D-0044',
      'EPA-R09-OAR-2014-0636',
      'ED-2015-OESE-0130',
      'DOD-2016-OS-0043',
      'PTO-P-2016-0001',
      'FRA-2003-15196',
    ]);
  });

  it('finds RINs only where labelled', () => {
    expect(
      extractIdentifiers(
        'RIN 3150-AK31. RINs 3064-AE12 and 1076-AF28. Regulation Identifier Number (RIN) 0648-XE570. RIN: 1625-AA08',
      ).rins,
    ).toEqual(['3150-AK31', '3064-AE12', '1076-AF28', '0648-XE570', '1625-AA08']);
    expect(extractIdentifiers('Model 3150-AK31 replacement part').rins).toBeUndefined();
  });

  it('finds CFR parts, lists after a plural label, sections cut to their part', () => {
    expect(
      extractIdentifiers(
        '10 CFR part 50; 15 CFR 744.21; 10 CFR parts 50 and 52; 40 CFR Parts 52 and 81; 48 CFR parts 1, 2, and 52; 10 C.F.R. § 50.59; 10 CFR 73, 2019 ed.',
      ).cfrParts,
    ).toEqual([
      '10 CFR 50',
      '15 CFR 744',
      '10 CFR 52',
      '40 CFR 52',
      '40 CFR 81',
      '48 CFR 1',
      '48 CFR 2',
      '48 CFR 52',
      '10 CFR 73',
    ]);
  });

  it('finds bills of every type, with the congress when stated next to them', () => {
    expect(
      extractIdentifiers(
        'H.R. 1234 (119th Congress) passed; S. 567 did not. H.Res. 12, S.J.Res. 3, H. R. 4350, S.Con.Res. 7 and H.J.Res. 45 in the 118th Cong.',
      ).bills,
    ).toEqual(['hr-1234-119', 's-567', 'hres-12', 'sjres-3', 'hr-4350', 'sconres-7', 'hjres-45-118']);
  });

  it('ignores look-alikes', () => {
    // Real: an authority line in the 2016-04-15 issue reads "S. 24105" (a section, and no bill has 5 digits).
    const negatives = [
      'Roe v. Wade, 410 U.S. 113 (1973); see 5 U. S. 137.',
      'a long-term, state-of-the-art, COVID-19 response for 2020-2021 and FY2024-2025',
      'Call 202-564-9303 or fax (202) 565-2085; ZIP 20590-0001; OMB Control # 2060-0150',
      'The F-35 and MIL-STD-1916 and ISO-9001 and SARS-CoV-2 and UTC-2024-01-15.',
      'HR 2024 planning; S 567; the CFR generally; 12 FR staff; document 1234-56789',
      'FRL-9944-93-Region 9 and A-823-805 and B-18-2016',
      'Authority: S. 24105, Pub. L. 114-94',
      'https://www.federalregister.gov/documents/2026/04/21/2026-07755/re-establishment',
    ];
    for (const text of negatives) expect([text, extractIdentifiers(text)]).toEqual([text, {}]);
  });

  it('merges, deduplicates and keeps first-seen order', () => {
    const merged = mergeIdentifiers(
      { bills: ['hr-1-117'], dockets: ['NRC-2024-0123'] },
      extractIdentifiers('NRC-2024-0123 and H.R. 2'),
    );
    expect(merged).toEqual({ dockets: ['NRC-2024-0123'], bills: ['hr-1-117', 'hr-2'] });
    expect(isEmptyIdentifiers(mergeIdentifiers(undefined, {}))).toBe(true);
    expect(billId('HCONRES', '070', 114)).toBe('hconres-70-114');
  });
});

describeWithSharedData('extractIdentifiers on a real Federal Register issue (2016-04-15)', () => {
  const xml = readFileSync(sharedDataPath('real-docs/federalregister-api-core/spec/fixtures/2016-04-15.xml'), 'utf8');
  const plain = xml.replace(/<[^>]+>/g, ' ');
  const ids = extractIdentifiers(plain);

  it('finds every FR document number the issue states in its <FRDOC> lines', () => {
    const stated = [...xml.matchAll(/<FRDOC>\[FR Doc\. ([\d-]+)/g)].map((m) => m[1]);
    expect(stated.length).toBe(146);
    expect(ids.frDocumentNumbers).toEqual(expect.arrayContaining(stated));
    expect(ids.frDocumentNumbers).toContain('2016-08717');
  });

  it('finds the RINs, dockets and CFR parts stated in the document headers', () => {
    expect(ids.rins).toEqual(
      expect.arrayContaining(['3064-AE12', '1076-AF28', '1625-AA08', '0579-AE18', '0648-XE570']),
    );
    expect(ids.dockets).toEqual(
      expect.arrayContaining([
        'FDA-2014-D-0044',
        'USCG-2016-0208',
        'EPA-R09-OAR-2014-0636',
        'APHIS-2015-0073',
        'ED-2015-OESE-0130',
        'DOD-2016-OS-0043',
      ]),
    );
    expect(ids.cfrParts).toEqual(
      expect.arrayContaining(['12 CFR 324', '21 CFR 172', '40 CFR 52', '40 CFR 81', '33 CFR 117']),
    );
    // Every docket found has the shape the pattern promises (no stray words).
    for (const d of ids.dockets ?? []) expect(d).toMatch(/^[A-Z]{2,8}(-[A-Z0-9]+)*-(19|20)\d\d(-[A-Z0-9]+)*-\d{3,6}$/);
  });
});
