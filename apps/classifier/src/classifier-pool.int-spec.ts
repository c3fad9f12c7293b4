import { join } from 'node:path';
import { TS_WORKER_CODE } from '../../../test/support/ts-worker';
import { ClassifierPool } from './classifier-pool';
import { ClassifiableContent, classifyContent } from './document-classification';

const root = join(__dirname, '..', '..', '..');
/** The real worker script, run from its TypeScript source. */
const realWorker = { workerCode: TS_WORKER_CODE, workerData: { entry: 'apps/classifier/src/classify.worker.ts' } };
/** A stand-in worker: exits on a content titled "crash", answers anything else with a fixed result. */
const CRASHING_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (request) => {
  if (request.contents.some((c) => c.title === 'crash')) process.exit(3);
  parentPort.postMessage({ id: request.id, results: request.contents.map(() => ({ error: 'stand-in', seconds: 0 })) });
});
`;

const content = (title: string, body: string): ClassifiableContent => ({
  title,
  summary: '',
  body,
  url: 'https://www.nrc.gov/news/1',
  sourceId: 'nrc-news',
});

const contents = [
  content(
    'NRC issues final rule on advanced reactor licensing',
    'The Nuclear Regulatory Commission published a final rule in the Federal Register for advanced nuclear reactors.',
  ),
  content('Town bakery celebrates fifty years', 'A family bakery marked its anniversary with bread.'),
  {
    ...content('Commerce tightens export controls on advanced chips', 'BIS amended the EAR.'),
    hints: { docType: 'rule' },
  },
] satisfies ClassifiableContent[];

describe('ClassifierPool (worker threads)', () => {
  const pools: ClassifierPool[] = [];
  const pool = (options: ConstructorParameters<typeof ClassifierPool>[0]) => {
    const p = new ClassifierPool(options);
    pools.push(p);
    return p;
  };
  afterAll(async () => {
    for (const p of pools) await p.onModuleDestroy();
  });

  it('classifies in a worker exactly as on the event loop, in order, with per-item errors', async () => {
    const threaded = pool({ threads: 2, ...realWorker });
    expect(threaded.threads).toBe(2);
    const broken = { ...content('Broken', ''), body: 42 as unknown as string };
    const [first, second] = await Promise.all([
      threaded.classifyMany([...contents, broken]),
      threaded.classifyMany(contents.slice(0, 1)),
    ]);
    expect(first.slice(0, 3).map((r) => ('classification' in r ? r.classification : r))).toEqual(
      contents.map(classifyContent),
    );
    expect(first[3]).toMatchObject({ error: expect.any(String) });
    expect(second.map((r) => ('classification' in r ? r.classification : r))).toEqual([classifyContent(contents[0])]);
    expect(first[0].seconds).toBeGreaterThan(0);
  });

  it('classifies inline with no threads, or when the worker script is not built', async () => {
    for (const inline of [pool({ threads: 0 }), pool({ threads: 1, workerFile: join(root, 'no-such-worker.js') })]) {
      expect(inline.threads).toBe(0);
      const results = await inline.classifyMany(contents);
      expect(results.map((r) => ('classification' in r ? r.classification : r))).toEqual(contents.map(classifyContent));
    }
  });

  it('fails the requests a dying worker held, then starts a new worker for the next request', async () => {
    const crashing = pool({ threads: 1, workerCode: CRASHING_WORKER });
    await expect(crashing.classifyMany([content('crash', '')])).rejects.toThrow(/exited with code 3/);
    expect(await crashing.classifyMany([content('fine', '')])).toEqual([{ error: 'stand-in', seconds: 0 }]);
  });
});
