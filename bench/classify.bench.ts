import { classify } from '@radar/classify';
import { tokenize } from '@radar/core';
import { generateDocuments } from './corpus';
import { Benchmark, opsPerSecond } from './harness';

/** Classifier throughput on 3 KB documents, beside a tokenize-only pass over the same documents. */
export const benchmark: Benchmark = {
  name: 'classify',
  async run({ quick }) {
    const docs = generateDocuments(quick ? 300 : 2000);
    classify({ title: docs[0].title, body: docs[0].body }); // compile the taxonomy once
    const minMs = quick ? 1500 : 5000;
    const tokenizeRate = opsPerSecond(
      () => {
        for (const d of docs) tokenize(d.title + '\n' + d.body);
        return docs.length;
      },
      { minMs },
    );
    const classifyRate = opsPerSecond(
      () => {
        for (const d of docs) classify({ title: d.title, body: d.body });
        return docs.length;
      },
      { minMs },
    );
    return [
      {
        name: 'documents classified per second (one core, 3 KB)',
        value: classifyRate,
        unit: 'docs/s',
        target: { op: '>=', value: 5000 },
        baseline: { name: 'tokenize-only', value: tokenizeRate, unit: 'docs/s' },
      },
    ];
  },
};
