import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { classify, evaluate, formatEvalTable, readGoldJsonl } from '@radar/classify';

/**
 * `radar eval --gold FILE [--json]`: scores the classifier on a labelled JSON Lines file and prints
 * per-label precision/recall/F1, micro and macro F1, the false-positive rate on negatives and
 * policy-action accuracy.
 */
export function evalCommand(goldFile: string, json: boolean, output: Writable, errors: Writable): number {
  const { items, errors: bad } = readGoldJsonl(readFileSync(goldFile, 'utf8'));
  for (const e of bad) errors.write(`${goldFile}: ${typeof e === 'string' ? e : JSON.stringify(e)}\n`);
  if (items.length === 0) {
    errors.write(`${goldFile}: no usable items\n`);
    return 1;
  }
  const result = evaluate(items, (item) => classify({ title: item.title, body: item.text }));
  output.write(json ? `${JSON.stringify(result)}\n` : `${formatEvalTable(result)}\n`);
  return 0;
}
