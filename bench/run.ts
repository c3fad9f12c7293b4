import { execSync, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, Figure } from './harness';

/** `npm run bench [-- --quick] [NAME...]`: runs the benchmarks, prints a table, writes bench/results.json. */
type Result = { benchmark: string; figures: Figure[]; seconds: number; error?: string };

/** Runs one benchmark file in this process and prints its result as JSON (the child side). */
async function runOne(file: string, quick: boolean): Promise<void> {
  const { benchmark } = (await import(join(__dirname, file))) as { benchmark: Benchmark };
  const start = Date.now();
  let result: Result;
  try {
    result = {
      benchmark: benchmark.name,
      figures: await benchmark.run({ quick }),
      seconds: (Date.now() - start) / 1000,
    };
  } catch (error) {
    result = { benchmark: benchmark.name, figures: [], seconds: (Date.now() - start) / 1000, error: String(error) };
  }
  process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
  process.exit(0);
}

const RESULT_MARK = '@@bench-result@@';

/**
 * Each benchmark runs in a child process of its own, so one benchmark's memory (a peak RSS
 * figure) and warm caches never leak into another's.
 */
function runChild(file: string, quick: boolean): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [__filename, '--child', file, ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      resolve(
        line
          ? (JSON.parse(line.slice(RESULT_MARK.length)) as Result)
          : { benchmark: file.replace(/\.bench\.js$/, ''), figures: [], seconds: 0, error: `exited with code ${code}` },
      );
    });
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const childFile = args[args.indexOf('--child') + 1];
  if (args.includes('--child')) return runOne(childFile, quick);
  const only = args.filter((a) => !a.startsWith('--'));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.includes(f.replace(/\.bench\.js$/, '')))
    .sort();
  const results: Result[] = [];
  for (const file of files) results.push(await runChild(file, quick));
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

function table(results: Result[]): string {
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
