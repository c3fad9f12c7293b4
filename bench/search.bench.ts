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
import { readReutersArticles } from '@radar/testing';
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

const DATA_DIR = resolve(process.env.SHARED_DATA_DIR ?? '../shared/data');

function sentences(): string[] {
  const file = join(DATA_DIR, 'gold-dev.jsonl');
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

/**
 * How often the top 20 of `index` (broad queries ranked in tiers) holds the same documents as
 * exact bm25 ranking of every match (a second connection to the same file with tiering off),
 * averaged over the queries of `mix` that are ranked in tiers (those with more than
 * `broadMatches` hits).
 */
async function top20Agreement(
  file: string,
  broadMatches: number,
  mix: readonly string[],
): Promise<{ value: number; queries: number }> {
  const index = new SqliteSearchIndex({ file, broadMatches });
  const exact = new SqliteSearchIndex({ file, broadMatches: Number.MAX_SAFE_INTEGER });
  await index.init();
  await exact.init();
  try {
    let overlap = 0;
    let queries = 0;
    for (const input of mix) {
      const query = parseQuery(input);
      const fast = await index.search({ query, limit: 20 });
      if (fast.total <= broadMatches) continue;
      const slow = await exact.search({ query, limit: 20 });
      const want = new Set(slow.hits.map((h) => h.document.id));
      queries++;
      overlap += fast.hits.filter((h) => want.has(h.document.id)).length / want.size;
    }
    return { value: queries === 0 ? 1 : overlap / queries, queries };
  } finally {
    await index.close();
    await exact.close();
  }
}

/**
 * The same agreement on real newswire text: Reuters-21578 articles (title; first sentence as the
 * summary, as feeds often do; body) with a low threshold so that queries of a few hundred hits
 * are ranked in tiers. `null` without the shared data.
 */
async function reutersAgreement(dir: string, gen: Generator): Promise<Figure | null> {
  const source = join(DATA_DIR, 'labeled', 'reuters21578');
  if (!existsSync(source)) return null;
  const articles = readReutersArticles(source).filter((a) => a.title.trim() !== '' && a.body.length > 200);
  const file = join(dir, 'reuters.sqlite');
  const index = new SqliteSearchIndex({ file });
  await index.init();
  await index.upsertDocuments(
    articles.map((a, i) => {
      const lead = /^[\s\S]{20,300}?[.!?](?=\s)/.exec(a.body)?.[0] ?? '';
      return { ...gen.doc(i, 'reuters'), title: a.title, summary: lead, body: a.body.slice(lead.length) };
    }),
  );
  await index.close();
  // Words of 5+ letters found in 1-20% of the articles: the queries that have many hits.
  const df = new Map<string, number>();
  for (const a of articles) {
    for (const w of new Set(`${a.title} ${a.body}`.toLowerCase().match(/[a-z]{5,}/g) ?? [])) {
      df.set(w, (df.get(w) ?? 0) + 1);
    }
  }
  const words = [...df]
    .filter(([, n]) => n >= articles.length * 0.01 && n <= articles.length * 0.2)
    .map(([w]) => w)
    .sort();
  const random = seededRandom(5);
  const pick = (): string => words[Math.floor(random() * words.length)];
  const mix = Array.from({ length: 150 }, (_, i) =>
    i % 3 === 0 ? pick() : i % 3 === 1 ? `${pick()} ${pick()}` : `${pick()} OR ${pick()}`,
  );
  const threshold = 100;
  const { value, queries } = await top20Agreement(file, threshold, mix);
  return {
    name: 'top-20 agreement with exact bm25 on real articles (Reuters-21578)',
    value,
    unit: 'fraction',
    notes: `${articles.length} articles; ${queries} of ${mix.length} queries have over ${threshold} hits and are ranked in tiers`,
  };
}

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
      // ranking of every match, on the generated corpus and on real articles.
      const agreement = await top20Agreement(join(dir, 'radar.sqlite'), BROAD_MATCHES, mix);
      figures.push({
        name: 'query mix top-20 agreement with exact bm25 ranking',
        value: agreement.value,
        unit: 'fraction',
        notes: `${agreement.queries} of ${mix.length} queries have over ${BROAD_MATCHES} hits to score and are ranked in tiers (title and summary hits first)`,
      });
      const real = await reutersAgreement(dir, gen);
      figures.push(
        real ?? {
          name: 'top-20 agreement with exact bm25 on real articles (Reuters-21578)',
          value: 0,
          unit: 'fraction',
          notes: 'not run: no shared data',
        },
      );

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
