/**
 * Date extraction from running text: "March 3, 2026", "Mar. 3, 2026", "3 March 2026",
 * "2026-03-03", "3/3/2026". Returns ISO dates (YYYY-MM-DD); impossible dates are ignored.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const MONTH =
  '(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

const PATTERNS: { re: RegExp; order: 'mdy' | 'dmy' | 'ymd' | 'num' }[] = [
  { re: new RegExp(`\\b${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'g'), order: 'mdy' },
  { re: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH}\\.?,?\\s+(\\d{4})\\b`, 'g'), order: 'dmy' },
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/g, order: 'ymd' },
  { re: /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, order: 'num' },
];

export interface FoundDate {
  iso: string;
  /** Offset of the date in the searched text. */
  index: number;
  length: number;
}

function iso(y: number, m: number, d: number): string | undefined {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return undefined;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function monthOf(name: string): number {
  return MONTHS[name.slice(0, 4).toLowerCase()] ?? MONTHS[name.slice(0, 3).toLowerCase()] ?? 0;
}

/** Every date in the text, in order of appearance. */
export function findDates(text: string): FoundDate[] {
  const out: FoundDate[] = [];
  for (const { re, order } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      let v: string | undefined;
      if (order === 'mdy') v = iso(Number(m[3]), monthOf(m[1]!), Number(m[2]));
      else if (order === 'dmy') v = iso(Number(m[3]), monthOf(m[2]!), Number(m[1]));
      else if (order === 'ymd') v = iso(Number(m[1]), Number(m[2]), Number(m[3]));
      else v = iso(Number(m[3]), Number(m[1]), Number(m[2]));
      if (v !== undefined) out.push({ iso: v, index: m.index, length: m[0].length });
    }
  }
  out.sort((a, b) => a.index - b.index);
  // Drop dates nested in an earlier match (e.g. "3 March 2026" inside "March 3 2026" forms).
  return out.filter((d, i) => i === 0 || d.index >= out[i - 1]!.index + out[i - 1]!.length);
}

const HAS_DIGIT = /\d/;

/**
 * First date found within `window` characters after `from`, not crossing a paragraph break
 * nor (unless `sentence` is false) the end of the sentence.
 */
export function dateAfter(text: string, from: number, window = 160, sentence = true): string | undefined {
  let slice = text.slice(from, from + window);
  // Every date pattern has a digit: most triggers have none nearby.
  if (!HAS_DIGIT.test(slice)) return undefined;
  const para = slice.search(sentence ? /\n\s*\n|[.;!?]\s+(?=[A-Z(])/ : /\n\s*\n/);
  if (para >= 0) slice = slice.slice(0, para);
  const found = findDates(slice);
  return found[0]?.iso;
}
