import { PassThrough } from 'node:stream';
import { classify } from '@radar/classify';
import { RadarDocument } from '@radar/core';
import { createSearchIndex, SearchIndex } from '@radar/search';
import { createTestEnv, TestEnv } from '@radar/testing';
import { evalFeedbackCommand, feedbackCommand, reclassifyCommand } from './feedback.commands';

const collect = () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
};

const doc = (id: string, title: string, body: string, stale: boolean): RadarDocument => {
  const fresh = classify({ title, body });
  return {
    id,
    version: 3,
    contentHash: `hash-${id}`,
    sourceId: 'src',
    sourceName: 'Source',
    url: `https://agency.example.gov/${id}`,
    title,
    summary: '',
    body,
    publishedAt: '2026-11-20T00:00:00.000Z',
    fetchedAt: '2026-11-20T00:00:00.000Z',
    indexedAt: '2026-11-20T00:00:00.000Z',
    ...fresh,
    // A document tagged by an older vocabulary: nothing found.
    ...(stale ? { subSectors: [], focusAreas: [], priority: 'none' as const, priorityReason: '' } : {}),
  };
};

describe('feedback loop and reclassify (real SQLite index)', () => {
  let env: TestEnv;
  let index: SearchIndex;

  beforeAll(async () => {
    env = createTestEnv();
    index = await createSearchIndex(env.config);
    await index.upsertDocument(
      doc(
        'reactor',
        'NRC approves construction permit for a small modular reactor',
        'The Nuclear Regulatory Commission issued a construction permit for an advanced reactor.',
        true,
      ),
    );
    await index.upsertDocument(doc('bakery', 'Bakery opens a second shop', 'Fresh bread daily on Main Street.', false));
  });

  afterAll(async () => {
    await index.close();
    await env.cleanup();
  });

  it('reclassify re-tags only documents whose tags changed, keeps their version, and is idempotent', async () => {
    const dry = collect();
    expect(await reclassifyCommand(env.config, true, dry.stream, collect().stream)).toBe(0);
    expect(dry.text()).toBe('would change 1 of 2 documents\n');
    expect((await index.getDocument('reactor'))!.subSectors).toEqual([]);

    const progress = collect();
    const out = collect();
    expect(await reclassifyCommand(env.config, false, out.stream, progress.stream)).toBe(0);
    expect(out.text()).toBe('changed 1 of 2 documents\n');
    expect(progress.text()).toMatch(/\[#+\] 2\/2 scanned, 1 changed/);
    const reactor = (await index.getDocument('reactor'))!;
    expect(reactor.subSectors.map((s) => s.id)).toContain('nuclear-energy');
    expect(reactor.version).toBe(3);
    expect(reactor.indexedAt).not.toBe('2026-11-20T00:00:00.000Z');
    const found = await index.search({ query: { kind: 'keyword', field: 'sector', value: 'nuclear-energy' } });
    expect(found.hits.map((h) => h.document.id)).toEqual(['reactor']);

    const again = collect();
    await reclassifyCommand(env.config, false, again.stream, collect().stream);
    expect(again.text()).toBe('changed 0 of 2 documents\n');
  });

  it('records feedback and scores the current classifier on it', async () => {
    await feedbackCommand(
      env.config,
      { documentId: 'reactor', kind: 'missing_tag', label: 'nuclear-energy', by: 'analyst' },
      collect().stream,
    );
    await feedbackCommand(env.config, { documentId: 'bakery', kind: 'missing_tag', label: 'solar' }, collect().stream);
    await expect(
      feedbackCommand(env.config, { documentId: 'bakery', kind: 'wrong_tag', label: 'warp-drives' }, collect().stream),
    ).rejects.toThrow(/not a sub-sector id/);
    await expect(
      feedbackCommand(env.config, { documentId: 'nope', kind: 'wrong_tag', label: 'solar' }, collect().stream),
    ).rejects.toThrow(/no document with id nope/);
    expect(await index.listFeedback({ documentId: 'reactor' })).toHaveLength(1);

    const out = collect();
    expect(await evalFeedbackCommand(env.config, true, out.stream)).toBe(0);
    const result = JSON.parse(out.text());
    expect(result).toMatchObject({ n: 2, agreed: 1, agreement: 0.5, missingTag: { n: 2, agreed: 1 } });
    expect(result.outstanding).toEqual([{ documentId: 'bakery', kind: 'missing_tag', label: 'solar' }]);
  });
});
