/**
 * The benchmark harness: every `bench/*.bench.ts` exports `benchmark: Benchmark`; `npm run bench`
 * runs them all (or those named on the command line), prints a table and writes
 * bench/results.json. Each figure carries its unit, its target when an issue names one, and a
 * baseline measured in the same run where one exists, so ratios hold across machines.
 */

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The issue's target, e.g. { op: '>=', value: 5000 }. */
  target?: { op: '>=' | '<='; value: number };
  /** A baseline measured in the same run (raw BullMQ, tokenize-only, raw SQLite...). */
  baseline?: { name: string; value: number; unit: string };
  notes?: string;
}

export interface BenchOptions {
  /** Smoke-check size: the whole quick run stays under 2 minutes. */
  quick: boolean;
}

export interface Benchmark {
  name: string;
  run(options: BenchOptions): Promise<Figure[]>;
}

/** Calls fn repeatedly for at least `minMs` (and `minRuns`), returns operations per second. */
export function opsPerSecond(fn: () => number, { minMs = 1000, minRuns = 1 } = {}): number {
  let ops = 0;
  let runs = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < minMs || runs < minRuns) {
    ops += fn();
    runs++;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (ops * 1000) / elapsedMs;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** A small deterministic PRNG (mulberry32) so generated corpora are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
