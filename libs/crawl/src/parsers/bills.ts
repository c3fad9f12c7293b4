/** How Congress names bill types: API code (hr, s, hjres...), display form and congress.gov path. */
const BILL_TYPES: Record<string, { display: string; path: string }> = {
  hr: { display: 'H.R.', path: 'house-bill' },
  s: { display: 'S.', path: 'senate-bill' },
  hres: { display: 'H.Res.', path: 'house-resolution' },
  sres: { display: 'S.Res.', path: 'senate-resolution' },
  hjres: { display: 'H.J.Res.', path: 'house-joint-resolution' },
  sjres: { display: 'S.J.Res.', path: 'senate-joint-resolution' },
  hconres: { display: 'H.Con.Res.', path: 'house-concurrent-resolution' },
  sconres: { display: 'S.Con.Res.', path: 'senate-concurrent-resolution' },
};

/** 119 -> "119th", 121 -> "121st", 112 -> "112th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

export function billTypeCode(type: string): string {
  return type.toLowerCase().replace(/[^a-z]/g, '');
}

/** "H.R. 1234" for ("HR", "1234"). */
export function billLabel(type: string, number: string): string {
  const code = billTypeCode(type);
  return `${BILL_TYPES[code]?.display ?? type.toUpperCase()} ${number}`;
}

/** https://www.congress.gov/bill/119th-congress/house-bill/5005 */
export function congressGovUrl(congress: number, type: string, number: string): string {
  const path = BILL_TYPES[billTypeCode(type)]?.path ?? billTypeCode(type);
  return `https://www.congress.gov/bill/${ordinal(congress)}-congress/${path}/${number}`;
}
