import { execSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, Figure } from './harness';

/** `npm run bench [-- --quick] [NAME...]`: runs the benchmarks, prints a table, writes bench/results.json. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .sort();
  const results: { benchmark: string; figures: Figure[]; seconds: number; error?: string }[] = [];
  for (const file of files) {
    const { benchmark } = (await import(join(__dirname, file))) as { benchmark: Benchmark };
    if (only.length && !only.includes(benchmark.name)) continue;
    const start = Date.now();
    try {
      const figures = await benchmark.run({ quick });
      results.push({ benchmark: benchmark.name, figures, seconds: (Date.now() - start) / 1000 });
    } catch (error) {
      results.push({
        benchmark: benchmark.name,
        figures: [],
        seconds: (Date.now() - start) / 1000,
        error: String(error),
      });
    }
  }
  const commit = (() => {
    try {
      return execSync('git rev-parse HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      return 'unknown';
    }
  })();
  const report = {
    date: new Date().toISOString(),
    commit,
    quick,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    results,
  };
  const out = join(__dirname, '..', '..', 'bench', 'results.json');
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`${table(results)}\nwritten to ${out}\n`);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (results.some((r) => r.error)) process.exitCode = 1;
}

function table(results: { benchmark: string; figures: Figure[]; error?: string }[]): string {
  const rows: string[][] = [['benchmark', 'figure', 'value', 'unit', 'target', 'baseline', 'ratio']];
  for (const r of results) {
    if (r.error) rows.push([r.benchmark, 'ERROR', r.error.slice(0, 60), '', '', '', '']);
    for (const f of r.figures) {
      const met = f.target ? (f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value) : undefined;
      rows.push([
        r.benchmark,
        f.name,
        format(f.value),
        f.unit,
        f.target ? `${f.target.op} ${format(f.target.value)} ${met ? 'ok' : 'MISSED'}` : '',
        f.baseline ? `${f.baseline.name} ${format(f.baseline.value)} ${f.baseline.unit}` : '',
        f.baseline && f.baseline.value ? (f.value / f.baseline.value).toFixed(3) : '',
      ]);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n');
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(0) : n.toPrecision(3);
}

void main();
