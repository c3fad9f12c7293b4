/**
 * Compiles a taxonomy into one phrase matcher (sub-sector vocabularies, excludes and masks,
 * advocacy-goal vocabularies, agency names). Compiled once per taxonomy object and cached.
 */
import type { Taxonomy } from '@radar/core';
import { PhraseMatcher, PatternSpec } from './matcher';
import { matchTokens } from './normalize';

export type Payload =
  | { kind: 'term'; owner: number; weight: number; term: string }
  | { kind: 'exclude'; owner: number; term: string }
  | { kind: 'mask'; owner: number }
  | { kind: 'goal'; owner: number; weight: number; term: string }
  | { kind: 'goalExclude'; owner: number; term: string }
  | { kind: 'agency'; owner: number; context: boolean };

export interface CompiledTaxonomy {
  taxonomy: Taxonomy;
  matcher: PhraseMatcher<Payload>;
  /** Agency index -> names to report (the agency and its parents). */
  agencyNames: string[][];
  /** Agency index -> indexes of its parents, nearest first. */
  agencyParents: number[][];
}

const cache = new WeakMap<Taxonomy, CompiledTaxonomy>();

function key(text: string, cs: boolean): string {
  const toks = matchTokens(text);
  return `${cs ? toks.map((t) => (/\p{Lu}/u.test(t.raw) ? t.raw : t.key)).join(' ') : toks.map((t) => t.key).join(' ')}|${cs}`;
}

function uniformPayload(p: Payload): Payload {
  const full = {
    kind: p.kind,
    owner: p.owner,
    weight: 'weight' in p ? p.weight : 0,
    term: 'term' in p ? p.term : '',
    context: 'context' in p ? p.context : false,
  };
  return full as Payload;
}

export function compileTaxonomy(tax: Taxonomy): CompiledTaxonomy {
  const hit = cache.get(tax);
  if (hit !== undefined) return hit;

  const specs: PatternSpec<Payload>[] = [];
  // Vocabulary terms: one payload per (owner, normalised pattern), keeping the highest weight,
  // so "steel tariff" and "steel tariffs" count once.
  const addTerms = (
    owner: number,
    kind: 'term' | 'goal',
    terms: readonly { term: string; weight: number; caseSensitive?: boolean }[],
  ): void => {
    const best = new Map<string, { term: string; weight: number; cs: boolean }>();
    for (const t of terms) {
      const cs = t.caseSensitive === true;
      const k = key(t.term, cs);
      const prev = best.get(k);
      if (prev === undefined || prev.weight < t.weight) best.set(k, { term: t.term, weight: t.weight, cs });
    }
    for (const { term, weight, cs } of best.values()) {
      specs.push({ text: term, caseSensitive: cs, payload: { kind, owner, weight, term } });
    }
  };
  const isCs = (s: string): boolean => s.length <= 6 && /^[A-Z0-9&/-]+$/.test(s) && /[A-Z]/.test(s);

  tax.subSectors.forEach((s, owner) => {
    addTerms(owner, 'term', s.terms);
    for (const e of s.exclude ?? [])
      specs.push({ text: e, caseSensitive: isCs(e), payload: { kind: 'exclude', owner, term: e } });
    for (const m of s.mask ?? []) specs.push({ text: m, caseSensitive: isCs(m), payload: { kind: 'mask', owner } });
  });
  tax.advocacyGoals.forEach((g, owner) => {
    addTerms(owner, 'goal', g.terms);
    for (const e of g.exclude ?? [])
      specs.push({ text: e, caseSensitive: isCs(e), payload: { kind: 'goalExclude', owner, term: e } });
  });
  const agencies = tax.agencies ?? [];
  const byName = new Map(agencies.map((a) => [a.name, a]));
  const agencyNames = agencies.map((a) => {
    const names = [a.name];
    const seen = new Set(names);
    let p = a.parent;
    while (p !== undefined && !seen.has(p)) {
      names.push(p);
      seen.add(p);
      p = byName.get(p)?.parent;
    }
    return names;
  });
  const indexByName = new Map(agencies.map((a, i) => [a.name, i]));
  const agencyParents = agencyNames.map((names) => names.slice(1).map((n) => indexByName.get(n)!));
  agencies.forEach((a, owner) => {
    for (const al of a.aliases) specs.push({ text: al, payload: { kind: 'agency', owner, context: false } });
    for (const ac of a.acronyms ?? [])
      specs.push({ text: ac, caseSensitive: true, payload: { kind: 'agency', owner, context: false } });
    for (const ac of a.contextAcronyms ?? [])
      specs.push({ text: ac, caseSensitive: true, payload: { kind: 'agency', owner, context: true } });
  });

  // One object shape for every payload kind, so the classifier's loop over payloads stays monomorphic.
  for (const spec of specs) spec.payload = uniformPayload(spec.payload);

  const compiled: CompiledTaxonomy = {
    taxonomy: tax,
    matcher: new PhraseMatcher(specs),
    agencyNames,
    agencyParents,
  };
  cache.set(tax, compiled);
  return compiled;
}
