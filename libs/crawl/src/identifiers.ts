import type { DocumentIdentifiers } from '@radar/core';

/**
 * Structured identifiers stated in a text: Federal Register document numbers and citations,
 * regulations.gov docket ids, RINs, CFR parts and bill numbers. Pure and regex-based; every
 * pattern is anchored on the identifier's own shape or on its label, so ordinary hyphenated
 * words, phone numbers, date ranges and case citations ("410 U.S. 113") do not match.
 */

const IDENTIFIER_KEYS = ['frDocumentNumbers', 'frCitations', 'dockets', 'rins', 'cfrParts', 'bills'] as const;
type IdentifierKey = (typeof IDENTIFIER_KEYS)[number];

// FR document numbers: YYYY-NNNNN (the usual form since 1994); with the "FR Doc." label also the
// older two-digit-year form (99-1234). Not when glued to other id parts (a docket's "2003-15196").
const FR_DOC_LABELLED = /\bFR\s+Doc(?:ument)?\.?\s*(?:No\.?\s*)?[:#]?\s*(\d{2}(?:\d{2})?-\d{3,5})(?![\w-])/gi;
const FR_DOC_BARE = /(?<![\w./-])((?:199[4-9]|20\d{2})-\d{5})(?![\w/-]|\.\d)/g;

// "91 FR 12345", "91 Fed. Reg. 12345", "81 F.R. 22138". "CFR" never matches: \b needs a boundary before F.
const FR_CITATION = /(?<![\w.])(\d{1,3})\s+(?:FR|F\.R\.|Fed\.\s?Reg\.)\s+(\d{1,6})(?![\w-])/g;

// Docket ids: an agency acronym, optional sub-office segments, a year, optional segments, and a
// sequence number: EPA-HQ-OAR-2021-0317, NRC-2024-0123, FDA-2014-D-0044, ED-2015-OESE-0130,
// EPA-R09-OAR-2014-0636, DOD-2016-OS-0043, PTO-P-2016-0001. A trailing "-0001" on a full docket is
// a document in it (EPA-HQ-OAR-2021-0317-0001) and is cut back to the docket.
const DOCKET =
  /(?<![\w-])([A-Z]{2,8}(?:-[A-Z][A-Z0-9]{0,7})*-(?:19[89]\d|20\d{2})(?:-[A-Z0-9]{1,8}){1,3})(?![\w-]|\.\d)/g;

// RINs: "RIN 3150-AK31", "RINs 3150-AK31 and 3150-AK32", "Regulation Identifier Number (RIN) 0648-XE570".
const RIN_LABELLED =
  /\b(?:RINs?|Regulation\s+Identifier\s+Numbers?(?:\s*\(RINs?\))?)(?:\s+(?:No\.|Numbers?))?\s*[:#]?\s*((?:\d{4}-[A-Z]{2}\d{2,3}(?:\s*(?:,|and|&|;)\s*)?)+)/g;
const RIN = /\b(\d{4}-[A-Z]{2}\d{2,3})\b/g;

// "10 CFR part 50", "15 CFR 744.21", "40 CFR Parts 52 and 81", "10 C.F.R. § 50.59", "48 CFR parts 1, 2, and 52".
const CFR =
  /\b(\d{1,2})\s+(?:CFR|C\.F\.R\.)\s*(?:(parts|pts\.?|§§|part|pt\.|§|sections?|secs?\.)\s*)?((?:\d{1,4}(?:\.\d+[a-z]?)?(?:\s*(?:,\s*(?:and|or)?|and|or|&)\s*(?=\d))?)+)/gi;

// Bills: "H.R. 1234", "H. R. 1234", "S. 567", "H.Res. 12", "S.J.Res. 3", "H.Con.Res. 7"; not "U.S. 113".
const BILL =
  /(?<![\w.]|\b[A-Z]\.\s)(H\.\s?R\.|H\.\s?Res\.|H\.\s?J\.\s?Res\.|H\.\s?Con\.\s?Res\.|S\.\s?Res\.|S\.\s?J\.\s?Res\.|S\.\s?Con\.\s?Res\.|S\.)\s?(\d{1,4})\b(?![-.]\d)/g;
const CONGRESS_NEAR = /^[^.;\n]{0,40}?\b(\d{2,3})(?:st|nd|rd|th)\s+Cong(?:ress|\.)/i;

const BILL_TYPES: Record<string, string> = {
  'H.R.': 'hr',
  'H.Res.': 'hres',
  'H.J.Res.': 'hjres',
  'H.Con.Res.': 'hconres',
  'S.': 's',
  'S.Res.': 'sres',
  'S.J.Res.': 'sjres',
  'S.Con.Res.': 'sconres',
};

/** A bill id as congress.gov's API spells its parts: "hr-1234-119", or "hr-1234" with no congress. */
export function billId(type: string, number: string | number, congress?: string | number): string {
  const t = type.toLowerCase().replace(/[^a-z]/g, '');
  const n = String(number).replace(/^0+(?=\d)/, '');
  return congress ? `${t}-${n}-${congress}` : `${t}-${n}`;
}

class Collector {
  private readonly sets = new Map<IdentifierKey, Set<string>>();
  add(key: IdentifierKey, value: string | undefined): void {
    if (!value) return;
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    set.add(value);
  }
  result(): DocumentIdentifiers {
    const out: DocumentIdentifiers = {};
    for (const key of IDENTIFIER_KEYS) {
      const set = this.sets.get(key);
      if (set?.size) out[key] = [...set];
    }
    return out;
  }
}

function normaliseDocket(raw: string): string | undefined {
  const parts = raw.split('-');
  const yearAt = parts.findIndex((p) => /^(?:19[89]\d|20\d{2})$/.test(p));
  const after = parts.slice(yearAt + 1);
  // The sequence must be numeric; a final alphabetic segment is a word, not a docket.
  if (!/^\d{3,6}$/.test(after[after.length - 1])) return undefined;
  if (after.length >= 2 && /^\d+$/.test(after[after.length - 2]) && /^\d{4}$/.test(after[after.length - 1])) {
    return parts.slice(0, parts.length - 1).join('-');
  }
  return raw;
}

/** Finds the identifiers a text states; each list deduplicated, in order of first appearance. */
export function extractIdentifiers(text: string): DocumentIdentifiers {
  const ids = new Collector();
  if (!text) return ids.result();

  for (const m of text.matchAll(FR_DOC_LABELLED)) ids.add('frDocumentNumbers', m[1]);
  for (const m of text.matchAll(FR_DOC_BARE)) ids.add('frDocumentNumbers', m[1]);

  for (const m of text.matchAll(FR_CITATION)) {
    const volume = Number(m[1]);
    if (volume >= 1 && volume <= 150) ids.add('frCitations', `${volume} FR ${Number(m[2])}`);
  }

  for (const m of text.matchAll(DOCKET)) ids.add('dockets', normaliseDocket(m[1]));

  for (const m of text.matchAll(RIN_LABELLED)) {
    for (const r of m[1].matchAll(RIN)) ids.add('rins', r[1]);
  }

  for (const m of text.matchAll(CFR)) {
    const title = Number(m[1]);
    if (title < 1 || title > 50) continue;
    // Only a plural label ("parts 50 and 52", "§§") makes a list; "10 CFR 50, 2019" is one part.
    const plural = /^(?:parts|pts|§§)/i.test(m[2] ?? '');
    const parts = [...m[3].matchAll(/\d{1,4}(?:\.\d+[a-z]?)?/g)].map((p) => Number(p[0].split('.')[0]));
    for (const part of plural ? parts : parts.slice(0, 1)) ids.add('cfrParts', `${title} CFR ${part}`);
  }

  for (const m of text.matchAll(BILL)) {
    const type = BILL_TYPES[m[1].replace(/\s/g, '')];
    if (!type || Number(m[2]) === 0) continue;
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 60);
    const congress = CONGRESS_NEAR.exec(after)?.[1];
    ids.add('bills', billId(type, m[2], congress));
  }
  return ids.result();
}

/** Union of identifier sets: the first's values first, each list deduplicated. */
export function mergeIdentifiers(...sets: (DocumentIdentifiers | undefined)[]): DocumentIdentifiers {
  const ids = new Collector();
  for (const set of sets) {
    if (!set) continue;
    for (const key of IDENTIFIER_KEYS) for (const v of set[key] ?? []) ids.add(key, v);
  }
  return ids.result();
}

/** True when a set holds no identifier at all. */
export function isEmptyIdentifiers(ids: DocumentIdentifiers | undefined): boolean {
  return !ids || IDENTIFIER_KEYS.every((k) => !ids[k]?.length);
}
