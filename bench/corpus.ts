import { defaultTaxonomy } from '@radar/core';
import { seededRandom } from './harness';

/** Sentence templates in the register of agency releases and trade press; {T} = vocabulary term. */
const TEMPLATES = [
  'The {A} said on {D} that it would review its {T} program and report to Congress later this year.',
  'Officials expect the {A} to publish guidance on {T} after consultation with industry and state partners.',
  'Analysts noted that costs for {T} rose sharply while supply remained tight across several regions.',
  'The committee heard testimony from executives, researchers and local leaders about {T} jobs and timelines.',
  'Under the {P}, companies that make {T} would have to file reports within 90 days.',
  'The {A} issued a {P} on {T}; comments must be received by {D}.',
  'A spokesperson declined to comment on whether the {T} contract would be extended.',
  'Shares of the company rose 4% after it announced a partnership on {T} with a European supplier.',
  'Industry groups said the {P} could slow investment in {T} unless the deadline is pushed back.',
  'The plant, which employs about 600 people, began producing {T} in 2019 and plans to double output.',
  'Lawmakers from both parties have pressed the {A} to move faster on {T}.',
  'The report, released on {D}, found that imports of {T} accounted for nearly half of domestic demand.',
];
const AGENCIES = ['Department of Energy', 'Pentagon', 'Commerce Department', 'EPA', 'FCC', 'NRC', 'Treasury', 'agency'];
const POLICY = [
  'final rule',
  'proposed rule',
  'executive order',
  'export controls',
  'notice of funding opportunity',
  'new tariffs',
];
const DATES = ['Tuesday', 'March 3, 2026', 'June 30, 2026', 'Friday', 'Jan. 15, 2026'];

/**
 * Realistic-looking documents of about `bytes` characters: news and agency-release sentences with
 * sub-sector vocabulary, agency names, dates and policy phrasing, deterministic for a seed.
 */
export function generateDocuments(count: number, bytes = 3000, seed = 42): { title: string; body: string }[] {
  const random = seededRandom(seed);
  const terms = defaultTaxonomy().subSectors.flatMap((s) => s.terms.map((t) => t.term));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const fill = (template: string): string =>
    template
      .replace('{T}', pick(terms))
      .replace('{A}', pick(AGENCIES))
      .replace('{P}', pick(POLICY))
      .replace('{D}', pick(DATES));
  const docs: { title: string; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const sentences: string[] = [];
    let length = 0;
    while (length < bytes) {
      const s = fill(pick(TEMPLATES));
      sentences.push(s);
      length += s.length + 1;
      if (random() < 0.2) {
        sentences.push('\n\n');
        length += 2;
      }
    }
    const title = `${pick(AGENCIES)} ${pick(['issues', 'weighs', 'finalizes', 'backs'])} ${pick(POLICY)} on ${pick(terms)}`;
    docs.push({ title, body: sentences.join(' ').replace(/ \n\n /g, '\n\n') });
  }
  return docs;
}
