import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  DOC_TYPES,
  defaultTaxonomy,
  parseQuery,
  type DocType,
  type RadarDocument,
  type Subscription,
} from '@radar/core';
import { BROAD_MATCHES, SqliteSearchIndex, type FacetName } from '@radar/search';
import { Benchmark, Figure, percentile, seededRandom } from './harness';

/**
 * The embedded SearchIndex at scale: bulk indexing beside raw SQLite inserts of the same rows,
 * a query mix (words, phrases, fields; facets and highlights; top 20), and matching new
 * documents against saved subscriptions. Documents are ~3 KB of real sentences (the shared
 * gold-dev texts when present) with taxonomy vocabulary mixed in, deterministic for a seed.
 */

const FALLBACK = [
  'The Department of Energy said on Tuesday that it would review the program and report to Congress later this year.',
  'Officials expect the agency to publish guidance after consultation with industry and state partners.',
  'Analysts noted that costs rose sharply while supply remained tight across several regions of the country.',
  'The committee heard testimony from executives, researchers and local leaders about jobs, investment and timelines.',
  'The final rule takes effect sixty days after publication in the Federal Register.',
  'Comments on the proposed rule are due within thirty days.',
];
const AGENCIES = [
  'Department of Energy',
  'Department of Commerce',
  'Nuclear Regulatory Commission',
  'Environmental Protection Agency',
  'Department of Defense',
  'U.S. Coast Guard',
  'Federal Energy Regulatory Commission',
  'Department of Homeland Security',
];
const SOURCES = ['federal-register', 'doe-newsroom', 'congress-gov', 'defense-news', 'utility-dive', 'regulations-gov'];
const EVENTS = [
  'final_rule',
  'proposed_rule',
  'comment_period',
  'funding_opportunity',
  'bill_introduced',
  'executive_order',
];
const AREAS = ['regulation', 'funding', 'trade', 'supply-chain', 'workforce', 'permitting'];
const GOALS = [
  'streamline-permitting',
  'increase-federal-investment',
  'protect-supply-chains',
  'workforce-development',
];

function sentences(): string[] {
  const file = resolve(process.cwd(), '../shared/data/gold-dev.jsonl');
  if (!existsSync(file)) return FALLBACK;
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { title, text } = JSON.parse(line) as { title: string; text: string };
    for (const s of `${title}. ${text}`.split(/(?<=[.!?])\s+/)) if (s.length > 30 && s.length < 400) out.push(s.trim());
  }
  return out.length > 100 ? out : FALLBACK;
}

export interface Generator {
  doc(i: number, prefix?: string): RadarDocument;
  sectors: string[];
  terms: string[];
  vocabulary: string[];
}

export function generator(seed: number): Generator {
  const random = seededRandom(seed);
  const pool = sentences();
  const taxonomy = defaultTaxonomy();
  const sectors = taxonomy.subSectors.map((s) => s.id);
  const terms = taxonomy.subSectors.flatMap((s) => s.terms.map((t) => t.term));
  const vocabulary = [
    ...new Set(
      pool
        .join(' ')
        .toLowerCase()
        .match(/[a-z]{5,}/g) ?? [],
    ),
  ];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const start = Date.UTC(2023, 0, 1);
  const span = Date.UTC(2026, 2, 1) - start;
  return {
    sectors,
    terms,
    vocabulary,
    doc(i, prefix = 'doc') {
      const parts: string[] = [];
      let length = 0;
      while (length < 2800) {
        const s =
          random() < 0.15
            ? `${pick(pool)} The ${pick(terms)} ${pick(['final rule', 'program', 'market', 'export controls'])} was cited.`
            : pick(pool);
        parts.push(s);
        length += s.length + 1;
      }
      const sector = pick(sectors);
      const published = new Date(start + Math.floor(random() * span)).toISOString();
      const docType: DocType = pick(DOC_TYPES);
      return {
        id: `${prefix}-${i}`,
        version: 1,
        contentHash: `h-${prefix}-${i}`,
        sourceId: pick(SOURCES),
        sourceName: 'Source',
        url: `https://example.gov/${prefix}/${i}`,
        title: `${pick(terms)} ${pick(['final rule', 'proposed rule', 'grant award', 'hearing', 'export controls'])}: ${pick(pool).slice(0, 80)}`,
        summary: pick(pool),
        body: parts.join(' '),
        publishedAt: published,
        fetchedAt: published,
        indexedAt: published,
        subSectors: [
          { id: sector, score: 0.8, evidence: [] },
          ...(random() < 0.3 ? [{ id: pick(sectors), score: 0.4, evidence: [] }] : []),
        ],
        focusAreas: [pick(AREAS)],
        advocacyGoals: random() < 0.5 ? [{ id: pick(GOALS), score: 0.5, evidence: [] }] : [],
        docType,
        policyEvents: random() < 0.4 ? [{ kind: pick(EVENTS) }] : [],
        policyAction: random() < 0.4,
        agencies: [pick(AGENCIES)],
        priority: pick(['none', 'low', 'medium', 'high'] as const),
        priorityReason: '',
      };
    },
  };
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export const benchmark: Benchmark = {
  name: 'search',
  async run({ quick }) {
    const n = quick ? 10_000 : 200_000;
    const subscriptionCount = quick ? 2_000 : 10_000;
    const dir = mkdtempSync(join(tmpdir(), 'radar-search-bench-'));
    const figures: Figure[] = [];
    try {
      const gen = generator(7);
      const batch = 1000;

      // Baseline: the same rows (id + JSON) into a plain table, one transaction per batch.
      const raw = new BetterSqlite3(join(dir, 'raw.sqlite'));
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      raw.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, json TEXT NOT NULL)');
      const insert = raw.prepare('INSERT INTO docs (id, json) VALUES (?, ?)');
      const insertMany = raw.transaction((docs: RadarDocument[]) => {
        for (const d of docs) insert.run(d.id, JSON.stringify(d));
      });
      let rawMs = 0;
      for (let i = 0; i < n; i += batch) {
        const docs = Array.from({ length: Math.min(batch, n - i) }, (_, k) => gen.doc(i + k));
        const t = process.hrtime.bigint();
        insertMany(docs);
        rawMs += ms(t);
      }
      raw.close();

      const gen2 = generator(7); // same documents again
      const index = new SqliteSearchIndex({ file: join(dir, 'radar.sqlite') });
      await index.init();
      let indexMs = 0;
      for (let i = 0; i < n; i += batch) {
        const docs = Array.from({ length: Math.min(batch, n - i) }, (_, k) => gen2.doc(i + k));
        const t = process.hrtime.bigint();
        const out = await index.upsertDocuments(docs);
        indexMs += ms(t);
        if (out.some((o) => o.outcome === 'failed')) throw new Error('bulk upsert failed');
      }
      figures.push({
        name: `bulk index (${n} docs, ~3 KB)`,
        value: (n * 1000) / indexMs,
        unit: 'docs/s',
        target: { op: '>=', value: 3000 },
        baseline: { name: 'raw SQLite insert (id, json)', value: (n * 1000) / rawMs, unit: 'docs/s' },
      });

      // Query mix: relevance top 20 with facets and highlights.
      const random = seededRandom(11);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
      const facets: FacetName[] = ['sector', 'type', 'agency', 'source'];
      const words = gen.vocabulary;
      const mix: string[] = [];
      for (let i = 0; i < 200; i++) {
        switch (i % 8) {
          case 0:
            mix.push(pick(words));
            break;
          case 1:
            mix.push(`${pick(words)} ${pick(words)}`);
            break;
          case 2:
            mix.push(`"${pick(gen.terms)}"`);
            break;
          case 3:
            mix.push(`sector:${pick(gen.sectors)} ${pick(words)}`);
            break;
          case 4:
            mix.push(`title:${pick(words)}`);
            break;
          case 5:
            mix.push(`type:rule ${pick(words)} published:>=2025-06-01`);
            break;
          case 6:
            mix.push(`${pick(words).slice(0, 5)}*`);
            break;
          default:
            mix.push(`${pick(words)} OR ${pick(words)} -${pick(words)}`);
        }
      }
      for (const input of mix.slice(0, 10)) await index.search({ query: parseQuery(input), facets }); // warm
      const times: number[] = [];
      for (const input of mix) {
        const t = process.hrtime.bigint();
        await index.search({ query: parseQuery(input), facets, limit: 20 });
        times.push(ms(t));
      }
      times.sort((a, b) => a - b);
      figures.push({
        name: 'query mix p50 (top 20, facets, highlights)',
        value: percentile(times, 50),
        unit: 'ms',
        target: { op: '<=', value: 20 },
      });
      figures.push({
        name: 'query mix p95 (top 20, facets, highlights)',
        value: percentile(times, 95),
        unit: 'ms',
        target: { op: '<=', value: 100 },
      });

      // What the two-tier ranking of broad queries costs in quality: the top 20 beside exact bm25
      // ranking of every match (a second connection with the tiering turned off).
      const exact = new SqliteSearchIndex({ file: join(dir, 'radar.sqlite'), broadMatches: Number.MAX_SAFE_INTEGER });
      await exact.init();
      let overlap = 0;
      let tiered = 0;
      for (const input of mix) {
        const query = parseQuery(input);
        const fast = await index.search({ query, limit: 20 });
        if (!fast.nextCursor) continue;
        const slow = await exact.search({ query, limit: 20 });
        const want = new Set(slow.hits.map((h) => h.document.id));
        if (want.size === 0) continue;
        tiered++;
        overlap += fast.hits.filter((h) => want.has(h.document.id)).length / want.size;
      }
      await exact.close();
      figures.push({
        name: 'query mix top-20 agreement with exact bm25 ranking',
        value: tiered === 0 ? 1 : overlap / tiered,
        unit: 'fraction',
        notes: `${tiered} of ${mix.length} queries have more than one page; broad ones (over ${BROAD_MATCHES} rows to score) rank the hits with a query term in the title or summary first`,
      });

      // Subscriptions: saved queries of the shapes people write.
      for (let i = 0; i < subscriptionCount; i++) {
        const shapes = [
          () => pick(words),
          () => `"${pick(gen.terms)}"`,
          () => `sector:${pick(gen.sectors)}`,
          () => `sector:${pick(gen.sectors)} ${pick(words)}`,
          () => `${pick(words)} OR ${pick(words)}`,
          () => `${pick(gen.terms)} -type:news`,
        ];
        const sub: Subscription = {
          id: `sub-${i}`,
          email: `u${i}@example.com`,
          query: pick(shapes)(),
          status: 'confirmed',
          confirmToken: `c${i}`,
          unsubscribeToken: `u${i}`,
          createdAt: '2026-01-01T00:00:00.000Z',
        };
        await index.saveSubscription(sub);
      }
      const fresh = generator(99);
      await index.matchSubscriptions(fresh.doc(0, 'new')); // builds the matcher
      const matchTimes: number[] = [];
      let matched = 0;
      for (let i = 1; i <= 200; i++) {
        const doc = fresh.doc(i, 'new');
        const t = process.hrtime.bigint();
        matched += (await index.matchSubscriptions(doc)).length;
        matchTimes.push(ms(t));
      }
      matchTimes.sort((a, b) => a - b);
      figures.push({
        name: `match one new document against ${subscriptionCount} subscriptions p95`,
        value: percentile(matchTimes, 95),
        unit: 'ms',
        target: { op: '<=', value: 5 },
        notes: `p50 ${percentile(matchTimes, 50).toFixed(2)} ms; ${(matched / 200).toFixed(1)} matches per document`,
      });
      await index.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return figures;
  },
};
