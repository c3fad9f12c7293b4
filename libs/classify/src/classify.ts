/**
 * The classifier: tags a text with sub-sectors (scored, with evidence), focus areas, advocacy
 * goals, document type, policy events, policy action, agencies and an alert priority.
 * Pure and synchronous; the taxonomy is compiled once and cached.
 */
import {
  Classification,
  defaultTaxonomy,
  Evidence,
  PolicyEvent,
  Priority,
  ScoredTag,
  Taxonomy,
  TextField,
} from '@radar/core';
import { compileTaxonomy, CompiledTaxonomy, Payload } from './compile';
import {
  decidePolicyAction,
  detectDocType,
  eventsFromHits,
  FieldText,
  findEventHitsIn,
  PolicyEventKind,
} from './events';
import { PhraseMatch } from './matcher';
import { tokenIds } from './normalize';

export interface ClassifyInput {
  title: string;
  summary?: string;
  body?: string;
  url?: string;
  sourceId?: string;
}

/** Tunables of the scorer. Exported so tests and the evaluation harness can reason about them. */
export const SCORING = {
  fieldWeight: { title: 1.6, summary: 1.25, body: 1 } as Record<TextField, number>,
  /** Body matches far from the top count less: [offset, multiplier] steps. */
  bodyDecay: [
    [3000, 0.7],
    [8000, 0.4],
  ] as const,
  /** Extra occurrences of the same term add this fraction of its weight, at most `repeatCap` times. */
  repeatBonus: 0.5,
  repeatCap: 2,
  /** Raw score a sub-sector needs (unless it sets its own threshold). */
  threshold: 3.5,
  /** Short texts (headline plus a line) offer less evidence: thresholds are scaled down. */
  shortTextChars: 400,
  shortTextFactor: 0.85,
  /** A sub-sector needs at least one matched term this strong: weak words alone never tag. */
  anchorWeight: 2,
  /** A secondary sub-sector must reach this fraction of the best one. */
  relativeFloor: 0.35,
  /** Raw score an advocacy goal needs. */
  goalThreshold: 3,
  /** Penalty per occurrence of an exclude phrase (at most `excludeCap` occurrences per phrase). */
  excludePenalty: 2.5,
  excludeCap: 3,
  maxEvidence: 5,
} as const;

interface Hit {
  field: TextField;
  from: number;
  to: number;
  start: number;
  end: number;
  weight: number;
  term: string;
}

interface Span {
  field: TextField;
  from: number;
  to: number;
}

interface FieldMatches {
  field: TextField;
  text: string;
  matches: PhraseMatch<Payload>[];
}

interface Bucket {
  hits: Hit[];
  blockers: Span[];
  excludes: Map<string, number>;
}

function bucket(map: Map<number, Bucket>, owner: number): Bucket {
  let b = map.get(owner);
  if (b === undefined) {
    b = { hits: [], blockers: [], excludes: new Map() };
    map.set(owner, b);
  }
  return b;
}

function positionWeight(field: TextField, start: number): number {
  let w = SCORING.fieldWeight[field];
  if (field === 'body') {
    for (const [at, m] of SCORING.bodyDecay) if (start >= at) w = SCORING.fieldWeight.body * m;
  }
  return w;
}

const overlaps = (a: Span, b: Span): boolean => a.field === b.field && a.from < b.to && b.from < a.to;

interface Scored {
  owner: number;
  raw: number;
  contributions: { c: number; h: Hit }[];
}

interface BucketScore {
  raw: number;
  anchor: number;
  /** Per distinct term: its contribution and its best-placed hit (evidence candidates). */
  contributions: { c: number; h: Hit }[];
}

/** Hits of `b` that no blocker covers and no longer live hit contains. */
function keptHits(b: Bucket): Hit[] {
  const hits = b.hits;
  const blockers = b.blockers;
  let live = hits;
  if (blockers.length > 0) {
    live = [];
    for (const h of hits) {
      let blocked = false;
      for (const s of blockers) {
        if (overlaps(h, s)) {
          blocked = true;
          break;
        }
      }
      if (!blocked) live.push(h);
    }
  }
  if (live.length < 2) return live;
  const kept: Hit[] = [];
  for (const h of live) {
    let nested = false;
    for (const o of live) {
      if (o !== h && overlaps(h, o) && o.to - o.from > h.to - h.from && o.from <= h.from && o.to >= h.to) {
        nested = true;
        break;
      }
    }
    if (!nested) kept.push(h);
  }
  return kept;
}

/** Scores one owner's hits: blocked and nested hits dropped, repeats damped, excludes subtracted. */
function scoreBucket(b: Bucket): BucketScore {
  const perTerm = new Map<string, { weight: number; best: number; count: number; first: Hit; firstW: number }>();
  for (const h of keptHits(b)) {
    const pw = positionWeight(h.field, h.start);
    const t = perTerm.get(h.term);
    if (t === undefined) perTerm.set(h.term, { weight: h.weight, best: pw, count: 1, first: h, firstW: pw });
    else {
      t.count++;
      if (pw > t.best) t.best = pw;
      if (pw > t.firstW) {
        t.first = h;
        t.firstW = pw;
      }
    }
  }
  let raw = 0;
  let anchor = 0;
  const contributions: { c: number; h: Hit }[] = [];
  for (const t of perTerm.values()) {
    anchor = Math.max(anchor, t.weight);
    const c = t.weight * t.best * (1 + SCORING.repeatBonus * Math.min(t.count - 1, SCORING.repeatCap));
    raw += c;
    contributions.push({ c, h: t.first });
  }
  for (const n of b.excludes.values()) raw -= SCORING.excludePenalty * Math.min(n, SCORING.excludeCap);
  return { raw, anchor, contributions };
}

/** The strongest contributions as evidence: built only for owners that are reported. */
function evidenceOf(contributions: { c: number; h: Hit }[], fields: readonly FieldMatches[]): Evidence[] {
  contributions.sort((x, y) => y.c - x.c);
  const text = (f: TextField): string => fields.find((x) => x.field === f)?.text ?? '';
  return contributions
    .slice(0, SCORING.maxEvidence)
    .map(({ h }) => ({ phrase: text(h.field).slice(h.start, h.end), field: h.field, offset: h.start }));
}

function toScore(raw: number, threshold: number): number {
  return Math.round((raw / (raw + threshold)) * 1000) / 1000;
}

interface Analysis {
  subSectors: ScoredTag[];
  advocacyGoals: ScoredTag[];
  agencies: string[];
}

function analyse(c: CompiledTaxonomy, fields: readonly FieldMatches[]): Analysis {
  const chars = fields.reduce((n, f) => n + f.text.length, 0);
  const scale = chars < SCORING.shortTextChars ? SCORING.shortTextFactor : 1;
  const subs = new Map<number, Bucket>();
  const goals = new Map<number, Bucket>();
  const agencyFirst = new Map<number, number>();
  /** Ambiguous acronyms: kept only when the agency or a parent is also named plainly. */
  const contextFirst = new Map<number, number>();
  let seq = 0;
  for (let fi = 0; fi < fields.length; fi++) {
    const { field, matches } = fields[fi]!;
    for (let mi = 0; mi < matches.length; mi++) {
      const m = matches[mi]!;
      const payloads = m.payloads;
      for (let pi = 0; pi < payloads.length; pi++) {
        const p = payloads[pi]!;
        // Object literals with a fixed shape, not spreads: this loop runs for every match.
        switch (p.kind) {
          case 'term':
          case 'goal':
            bucket(p.kind === 'term' ? subs : goals, p.owner).hits.push({
              field,
              from: m.from,
              to: m.to,
              start: m.start,
              end: m.end,
              weight: p.weight,
              term: p.term,
            });
            break;
          case 'exclude':
          case 'goalExclude': {
            const b = bucket(p.kind === 'exclude' ? subs : goals, p.owner);
            b.blockers.push({ field, from: m.from, to: m.to });
            b.excludes.set(p.term, (b.excludes.get(p.term) ?? 0) + 1);
            break;
          }
          case 'mask':
            bucket(subs, p.owner).blockers.push({ field, from: m.from, to: m.to });
            break;
          case 'agency': {
            const first = p.context ? contextFirst : agencyFirst;
            if (!first.has(p.owner)) first.set(p.owner, seq++);
            break;
          }
        }
      }
    }
  }

  const tax = c.taxonomy;
  const scored: (Scored & { threshold: number })[] = [];
  for (const [owner, b] of subs) {
    if (b.hits.length === 0) continue;
    const { raw, anchor, contributions } = scoreBucket(b);
    const threshold = (tax.subSectors[owner]!.threshold ?? SCORING.threshold) * scale;
    if (raw >= threshold && anchor >= SCORING.anchorWeight) scored.push({ owner, raw, contributions, threshold });
  }
  const maxRaw = scored.reduce((m, s) => Math.max(m, s.raw), 0);
  const subSectors = scored
    .filter((s) => s.raw >= SCORING.relativeFloor * maxRaw)
    .map((s) => ({
      id: tax.subSectors[s.owner]!.id,
      score: toScore(s.raw, s.threshold),
      evidence: evidenceOf(s.contributions, fields),
      raw: s.raw,
    }))
    .sort((a, b) => b.raw - a.raw || a.id.localeCompare(b.id))
    .map(({ id, score, evidence }) => ({ id, score, evidence }));

  const advocacyGoals: ScoredTag[] = [];
  for (const [owner, b] of goals) {
    if (b.hits.length === 0) continue;
    const { raw, anchor, contributions } = scoreBucket(b);
    if (raw >= SCORING.goalThreshold * scale && anchor >= SCORING.anchorWeight) {
      advocacyGoals.push({
        id: tax.advocacyGoals[owner]!.id,
        score: toScore(raw, SCORING.goalThreshold * scale),
        evidence: evidenceOf(contributions, fields),
      });
    }
  }
  advocacyGoals.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));

  for (const [owner, at] of contextFirst) {
    const plain = agencyFirst.get(owner);
    if (plain !== undefined) agencyFirst.set(owner, Math.min(plain, at));
    else if (c.agencyParents[owner]!.some((p) => agencyFirst.has(p))) agencyFirst.set(owner, at);
  }
  const agencies: string[] = [];
  const seen = new Set<string>();
  for (const [owner] of [...agencyFirst].sort((a, b) => a[1] - b[1])) {
    for (const name of c.agencyNames[owner] ?? []) {
      if (!seen.has(name)) {
        seen.add(name);
        agencies.push(name);
      }
    }
  }
  return { subSectors, advocacyGoals, agencies };
}

/** Event kinds that bind or directly change the rules for a sector. */
const HIGH_KINDS: ReadonlySet<string> = new Set<PolicyEventKind>([
  'final_rule',
  'interim_final_rule',
  'proposed_rule',
  'comment_period_open',
  'comment_deadline',
  'executive_order',
  'bill_passed',
  'bill_enacted',
  'export_control',
  'tariff',
  'sanction',
  'funding_opportunity',
]);

const EVENT_LABEL: Record<string, string> = {
  proposed_rule: 'proposed rule',
  final_rule: 'final rule',
  interim_final_rule: 'interim final rule',
  comment_period_open: 'comment period',
  comment_deadline: 'comment deadline',
  effective_date: 'effective date',
  executive_order: 'executive order',
  bill_introduced: 'bill introduced',
  bill_passed: 'bill passed',
  bill_enacted: 'bill enacted',
  funding_opportunity: 'funding opportunity',
  award: 'award',
  export_control: 'export control',
  tariff: 'tariff/trade action',
  sanction: 'sanction/penalty',
  permit_decision: 'permit decision',
  guidance: 'guidance',
};

function describeEvents(events: readonly PolicyEvent[]): string {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    const label = EVENT_LABEL[e.kind] ?? e.kind;
    const text = e.date !== undefined ? `${label} ${e.date}` : label;
    if (seen.has(label)) continue;
    seen.add(label);
    parts.push(text);
    if (parts.length === 3) break;
  }
  return parts.join(', ');
}

export function decidePriority(
  tax: Taxonomy,
  subSectors: readonly ScoredTag[],
  policyAction: boolean,
  events: readonly PolicyEvent[],
  agencies: readonly string[],
): { priority: Priority; priorityReason: string } {
  if (subSectors.length === 0) {
    return {
      priority: 'none',
      priorityReason: policyAction ? 'Policy action outside the SRI sub-sectors' : 'No SRI sub-sector matched',
    };
  }
  const names = subSectors
    .slice(0, 2)
    .map((s) => tax.subSectors.find((x) => x.id === s.id)?.name ?? s.id)
    .join(' + ');
  const top = subSectors[0]!;
  const by = agencies.length > 0 ? ` (${agencies[0]})` : '';
  const ev = describeEvents(events);
  if (policyAction) {
    const binding = events.some((e) => HIGH_KINDS.has(e.kind));
    if (binding && top.score >= 0.6)
      return { priority: 'high', priorityReason: `Policy action: ${ev} on ${names}${by}` };
    return { priority: 'medium', priorityReason: `Policy action${ev === '' ? '' : `: ${ev}`} on ${names}${by}` };
  }
  return { priority: 'low', priorityReason: `Relevant to ${names}; no policy action reported` };
}

/** Classifies one text against the taxonomy (the bundled one by default). */
export function classify(input: ClassifyInput, taxonomy: Taxonomy = defaultTaxonomy()): Classification {
  const c = compileTaxonomy(taxonomy);
  const raw: FieldText[] = [
    { field: 'title', text: input.title ?? '' },
    { field: 'summary', text: input.summary ?? '' },
    { field: 'body', text: input.body ?? '' },
  ];
  const streams = raw.map(({ text }) => (text === '' ? undefined : tokenIds(text, c.matcher.lexicon)));
  const fields: FieldMatches[] = raw.map(({ field, text }, i) => {
    const stream = streams[i];
    return {
      field,
      text,
      matches: stream === undefined ? [] : c.matcher.scanIds(stream, { ignoreCase: stream.shouting }),
    };
  });

  const { subSectors, advocacyGoals, agencies } = analyse(c, fields);

  const focusAreas: string[] = [];
  for (const s of subSectors) {
    const fa = taxonomy.subSectors.find((x) => x.id === s.id)?.focusArea;
    if (fa !== undefined && !focusAreas.includes(fa)) focusAreas.push(fa);
  }

  // detectDocType reads only the first 1,500 characters of the lead.
  const lead = `${input.summary ?? ''}\n${(input.body ?? '').slice(0, 1500)}`;
  const docType = detectDocType(input.title ?? '', lead, input.url ?? '', input.sourceId ?? '');
  const hits = findEventHitsIn(raw, streams);
  const policyEvents = eventsFromHits(hits);
  const { policyAction } = decidePolicyAction(hits, docType, raw, agencies.length);
  const { priority, priorityReason } = decidePriority(taxonomy, subSectors, policyAction, policyEvents, agencies);

  return {
    subSectors,
    focusAreas,
    advocacyGoals,
    docType,
    policyEvents,
    policyAction,
    agencies,
    priority,
    priorityReason,
  };
}
