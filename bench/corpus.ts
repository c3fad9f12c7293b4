import { defaultTaxonomy } from '@radar/core';
import { seededRandom } from './harness';

const FILLER = (
  'the department said on tuesday that it would review the program and report to congress later this year ' +
  'officials expect the agency to publish guidance after consultation with industry and state partners ' +
  'analysts noted that costs rose sharply while supply remained tight across several regions of the country ' +
  'the committee heard testimony from executives researchers and local leaders about jobs investment and timelines'
).split(' ');

/**
 * Realistic-looking documents of about `bytes` characters: filler prose with sub-sector vocabulary
 * and policy phrasing mixed in, deterministic for a seed.
 */
export function generateDocuments(count: number, bytes = 3000, seed = 42): { title: string; body: string }[] {
  const random = seededRandom(seed);
  const terms = defaultTaxonomy().subSectors.flatMap((s) => s.terms.map((t) => t.term));
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  const policy = ['final rule', 'proposed rule', 'executive order', 'export controls', 'comment period', 'grant award'];
  const docs: { title: string; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    let length = 0;
    while (length < bytes) {
      const r = random();
      const word = r < 0.04 ? pick(terms) : r < 0.05 ? pick(policy) : pick(FILLER);
      words.push(word);
      length += word.length + 1;
    }
    docs.push({ title: `${pick(terms)} ${pick(policy)} ${pick(FILLER)} ${i}`, body: words.join(' ') });
  }
  return docs;
}
