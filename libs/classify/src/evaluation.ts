/**
 * Evaluation harness: reads labelled JSON Lines and scores a classifier on multi-label
 * sub-sector tagging, false positives on negatives and the policy-action flag.
 */
export interface GoldItem {
  id: string;
  title: string;
  text: string;
  labels: string[];
  /** Undefined when the line does not say; such items are left out of policy-action accuracy. */
  policy_action?: boolean;
  url?: string;
}

export interface GoldReadError {
  /** 1-based line number. */
  line: number;
  message: string;
}

/** Parses JSON Lines of `{id, title, text, labels, policy_action}`; bad lines become errors. */
export function readGoldJsonl(text: string): { items: GoldItem[]; errors: GoldReadError[] } {
  const items: GoldItem[] = [];
  const errors: GoldReadError[] = [];
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      errors.push({ line: n, message: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push({ line: n, message: 'not a JSON object' });
      return;
    }
    const o = v as Record<string, unknown>;
    const problems: string[] = [];
    if (typeof o['id'] !== 'string' || o['id'] === '') problems.push('"id" must be a non-empty string');
    if (typeof o['title'] !== 'string') problems.push('"title" must be a string');
    if (typeof o['text'] !== 'string') problems.push('"text" must be a string');
    const labels = o['labels'];
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
      problems.push('"labels" must be an array of strings');
    const pa = o['policy_action'];
    if (pa !== undefined && typeof pa !== 'boolean') problems.push('"policy_action" must be a boolean');
    if (problems.length > 0) {
      errors.push({ line: n, message: problems.join('; ') });
      return;
    }
    const id = o['id'] as string;
    if (ids.has(id)) {
      errors.push({ line: n, message: `duplicate id "${id}"` });
      return;
    }
    ids.add(id);
    const item: GoldItem = {
      id,
      title: o['title'] as string,
      text: o['text'] as string,
      labels: [...new Set(labels as string[])],
    };
    if (typeof pa === 'boolean') item.policy_action = pa;
    if (typeof o['url'] === 'string') item.url = o['url'];
    items.push(item);
  });
  return { items, errors };
}

export interface LabelStats {
  precision: number;
  recall: number;
  f1: number;
  /** Gold items carrying the label. */
  support: number;
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalMistake {
  id: string;
  title: string;
  expected: string[];
  predicted: string[];
  expectedPolicyAction?: boolean;
  predictedPolicyAction: boolean;
}

export interface EvalResult {
  n: number;
  microPrecision: number;
  microRecall: number;
  microF1: number;
  /** Mean F1 over labels with support > 0 in the gold set. */
  macroF1: number;
  /** Share of negatives (no gold labels) given at least one sub-sector. */
  negativeFalsePositiveRate: number;
  negatives: number;
  /** Share of items with a gold policy_action whose prediction agrees. */
  policyActionAccuracy: number;
  perLabel: Record<string, LabelStats>;
  /** Items with a wrong label set or policy-action flag. */
  mistakes: EvalMistake[];
}

/**
 * What the harness needs from a classifier: given a gold item, its sub-sector ids and policy-action
 * flag, e.g. `(item) => classify({ title: item.title, body: item.text, url: item.url })`.
 */
export type EvalClassifier = (item: GoldItem) => { subSectors: readonly { id: string }[]; policyAction: boolean };

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const f1of = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

export function evaluate(items: readonly GoldItem[], classifyFn: EvalClassifier): EvalResult {
  const stats = new Map<string, { tp: number; fp: number; fn: number; support: number }>();
  const st = (id: string): { tp: number; fp: number; fn: number; support: number } => {
    let s = stats.get(id);
    if (s === undefined) {
      s = { tp: 0, fp: 0, fn: 0, support: 0 };
      stats.set(id, s);
    }
    return s;
  };
  let negatives = 0;
  let negativeHits = 0;
  let paTotal = 0;
  let paRight = 0;
  const mistakes: EvalMistake[] = [];

  for (const item of items) {
    const out = classifyFn(item);
    const predicted = [...new Set(out.subSectors.map((s) => s.id))];
    const gold = new Set(item.labels);
    for (const g of gold) st(g).support++;
    for (const p of predicted) {
      if (gold.has(p)) st(p).tp++;
      else st(p).fp++;
    }
    for (const g of gold) if (!predicted.includes(g)) st(g).fn++;
    if (gold.size === 0) {
      negatives++;
      if (predicted.length > 0) negativeHits++;
    }
    if (item.policy_action !== undefined) {
      paTotal++;
      if (item.policy_action === out.policyAction) paRight++;
    }
    const labelsWrong = predicted.length !== gold.size || predicted.some((p) => !gold.has(p));
    const paWrong = item.policy_action !== undefined && item.policy_action !== out.policyAction;
    if (labelsWrong || paWrong) {
      const m: EvalMistake = {
        id: item.id,
        title: item.title,
        expected: [...gold],
        predicted,
        predictedPolicyAction: out.policyAction,
      };
      if (item.policy_action !== undefined) m.expectedPolicyAction = item.policy_action;
      mistakes.push(m);
    }
  }

  const perLabel: Record<string, LabelStats> = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const macro: number[] = [];
  for (const id of [...stats.keys()].sort()) {
    const s = stats.get(id)!;
    tp += s.tp;
    fp += s.fp;
    fn += s.fn;
    const precision = ratio(s.tp, s.tp + s.fp);
    const recall = ratio(s.tp, s.tp + s.fn);
    const f1 = f1of(precision, recall);
    perLabel[id] = { precision, recall, f1, support: s.support, tp: s.tp, fp: s.fp, fn: s.fn };
    if (s.support > 0) macro.push(f1);
  }
  const microPrecision = ratio(tp, tp + fp);
  const microRecall = ratio(tp, tp + fn);
  return {
    n: items.length,
    microPrecision,
    microRecall,
    microF1: f1of(microPrecision, microRecall),
    macroF1: macro.length === 0 ? 0 : macro.reduce((a, b) => a + b, 0) / macro.length,
    negativeFalsePositiveRate: ratio(negativeHits, negatives),
    negatives,
    policyActionAccuracy: ratio(paRight, paTotal),
    perLabel,
    mistakes,
  };
}

const pct = (x: number): string => x.toFixed(3);

/** A fixed-width table: summary lines, then one row per label. */
export function formatEvalTable(r: EvalResult): string {
  const ids = Object.keys(r.perLabel).sort();
  const w = Math.max(5, ...ids.map((i) => i.length));
  const lines = [
    `items ${r.n}  negatives ${r.negatives}`,
    `micro P ${pct(r.microPrecision)}  R ${pct(r.microRecall)}  F1 ${pct(r.microF1)}`,
    `macro F1 ${pct(r.macroF1)}`,
    `negative FPR ${pct(r.negativeFalsePositiveRate)}`,
    `policy-action accuracy ${pct(r.policyActionAccuracy)}`,
    '',
    `${'label'.padEnd(w)}  ${'support'.padStart(7)}  ${'tp'.padStart(4)}  ${'fp'.padStart(4)}  ${'fn'.padStart(4)}  ${'prec'.padStart(5)}  ${'rec'.padStart(5)}  ${'f1'.padStart(5)}`,
    `${'-'.repeat(w)}  ${'-'.repeat(7)}  ${'-'.repeat(4)}  ${'-'.repeat(4)}  ${'-'.repeat(4)}  ${'-'.repeat(5)}  ${'-'.repeat(5)}  ${'-'.repeat(5)}`,
  ];
  for (const id of ids) {
    const s = r.perLabel[id]!;
    lines.push(
      `${id.padEnd(w)}  ${String(s.support).padStart(7)}  ${String(s.tp).padStart(4)}  ${String(s.fp).padStart(4)}  ${String(s.fn).padStart(4)}  ${pct(s.precision).padStart(5)}  ${pct(s.recall).padStart(5)}  ${pct(s.f1).padStart(5)}`,
    );
  }
  return lines.join('\n');
}
