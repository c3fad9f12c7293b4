/**
 * Request shapes of the Elasticsearch adapter, against @elastic/elasticsearch-mock (no cluster).
 * The behaviour itself is the conformance suite's business (elasticsearch-search-index.adapter.int-spec.ts).
 */
import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { parseQuery } from '@radar/core';
import { corpusDoc, makeSubscription } from '../conformance/corpus';
import { bulkWrite, chunkOperations, type BulkOperation } from './bulk';
import { compileQuery } from './dsl-compiler';
import {
  alertKeyDocId,
  ElasticsearchSearchIndex,
  isRelativeQuery,
  searchableFields,
} from './elasticsearch-search-index.adapter';

interface Call {
  method: string;
  path: string;
  body?: unknown;
  querystring?: Record<string, unknown>;
}

function setup(): { mock: Mock; client: Client; calls: Call[]; index: ElasticsearchSearchIndex } {
  const mock = new Mock();
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  const calls: Call[] = [];
  const index = new ElasticsearchSearchIndex({
    node: 'http://localhost:9200',
    indexPrefix: 'pr',
    client,
    bulk: { sleep: async () => {}, maxOperations: 2 },
  });
  return { mock, client, calls, index };
}

/** Route with recording. */
function route(
  mock: Mock,
  calls: Call[],
  method: string | string[],
  path: string | string[],
  reply: (params: Call) => unknown,
): void {
  mock.add({ method, path }, (params) => {
    const call = params as unknown as Call;
    calls.push({ method: call.method, path: call.path, body: call.body, querystring: call.querystring });
    return reply(call) as Record<string, unknown>;
  });
}

const responseError = (statusCode: number, type: string): errors.ResponseError =>
  new errors.ResponseError({
    body: { error: { type, reason: type }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });

const emptySearch = { took: 1, timed_out: false, _shards: {}, hits: { total: { value: 0, relation: 'eq' }, hits: [] } };

describe('ElasticsearchSearchIndex request shapes (mock)', () => {
  it('init puts the documents template, creates v1 behind read/write aliases and the other indices', async () => {
    const { mock, calls, index } = setup();
    route(mock, calls, 'PUT', '/_index_template/:name', () => ({ acknowledged: true }));
    route(mock, calls, 'HEAD', '/_alias/:name', () => responseError(404, 'not_found'));
    route(mock, calls, 'HEAD', '/:index', () => responseError(404, 'index_not_found_exception'));
    route(mock, calls, 'PUT', '/:index', () => ({ acknowledged: true }));
    await index.init();

    const template = calls.find((c) => c.path === '/_index_template/pr-documents');
    expect(template?.body).toMatchObject({
      index_patterns: ['pr-documents-v*'],
      template: {
        settings: {
          analysis: {
            analyzer: { radar_text: { tokenizer: 'radar_words', filter: ['lowercase', 'asciifolding'] } },
            normalizer: { radar_keyword: { filter: ['lowercase', 'trim'] } },
          },
        },
        mappings: {
          dynamic: 'strict',
          properties: {
            title: {
              type: 'text',
              analyzer: 'radar_text',
              fields: { english: { type: 'text', analyzer: 'english', index_options: 'positions' } },
            },
            sector: { type: 'keyword', fields: { norm: { type: 'keyword', normalizer: 'radar_keyword' } } },
            publishedAt: { type: 'date' },
            doc: { type: 'object', enabled: false },
          },
        },
      },
    });
    const created = calls.filter((c) => c.method === 'PUT' && !c.path.startsWith('/_'));
    expect(created.map((c) => c.path)).toEqual([
      '/pr-documents-v1',
      '/pr-subscriptions',
      '/pr-alerts',
      '/pr-deliveries',
      '/pr-feedback',
      '/pr-document-versions',
      '/pr-alert-keys',
      '/pr-api-keys',
    ]);
    expect(created[0].body).toEqual({
      aliases: { 'pr-documents-read': {}, 'pr-documents-write': { is_write_index: true } },
    });
    expect(created[1].body).toMatchObject({
      mappings: { properties: { percolate: { type: 'percolator' }, title: { analyzer: 'radar_text' } } },
    });
  });

  it('reindex: new version, write alias first, copy with create, then atomic read-alias swap', async () => {
    const { mock, calls, index } = setup();
    const doc = corpusDoc('nrc-spent-fuel');
    route(mock, calls, 'GET', '/_alias/:name', (p) =>
      p.path.endsWith('read') ? { 'pr-documents-v3': { aliases: {} } } : { 'pr-documents-v3': { aliases: {} } },
    );
    route(mock, calls, 'GET', '/:index', () => ({ 'pr-documents-v2-old': {}, 'pr-documents-v3': {} }));
    route(mock, calls, 'PUT', '/:index', () => ({ acknowledged: true }));
    route(mock, calls, 'POST', '/_aliases', () => ({ acknowledged: true }));
    route(mock, calls, 'POST', '/:index/_pit', () => ({ id: 'pit-1' }));
    route(mock, calls, 'DELETE', '/_pit', () => ({ succeeded: true }));
    let page = 0;
    route(mock, calls, 'POST', '/_search', () =>
      page++ === 0
        ? {
            ...emptySearch,
            pit_id: 'pit-1',
            hits: { hits: [{ _id: doc.id, _source: { ...searchableFields(doc), doc }, sort: [doc.id] }] },
          }
        : { ...emptySearch, pit_id: 'pit-1' },
    );
    route(mock, calls, 'POST', '/_bulk', () => ({
      errors: false,
      items: [{ create: { _id: doc.id, status: 201, result: 'created' } }],
    }));
    route(mock, calls, ['GET', 'POST'], '/:index/_refresh', () => ({}));
    route(mock, calls, 'DELETE', '/:index', () => ({ acknowledged: true }));

    expect(await index.reindex()).toBe(1);
    const steps = calls.map((c) => `${c.method} ${c.path}`);
    const at = (s: string): number => steps.indexOf(s);
    expect(at('PUT /pr-documents-v4')).toBeGreaterThan(-1);
    const aliasCalls = calls.filter((c) => c.path === '/_aliases');
    expect(aliasCalls[0].body).toEqual({
      actions: [
        { remove: { index: 'pr-documents-v3', alias: 'pr-documents-write' } },
        { add: { index: 'pr-documents-v4', alias: 'pr-documents-write', is_write_index: true } },
      ],
    });
    expect(aliasCalls[1].body).toEqual({
      actions: [
        { remove: { index: 'pr-documents-v3', alias: 'pr-documents-read' } },
        { add: { index: 'pr-documents-v4', alias: 'pr-documents-read' } },
      ],
    });
    const bulk = calls.find((c) => c.path === '/_bulk');
    expect((bulk?.body as object[])[0]).toEqual({ create: { _index: 'pr-documents-v4', _id: doc.id } });
    expect(at('POST /pr-documents-v3/_pit')).toBeGreaterThan(steps.findIndex((s) => s === 'POST /_aliases'));
    expect(steps.findIndex((s) => s.endsWith('/pr-documents-v4/_refresh'))).toBeLessThan(
      steps.lastIndexOf('POST /_aliases'),
    );
    expect(steps[steps.length - 1]).toBe('DELETE /pr-documents-v3');
  });

  describe('bulk', () => {
    const ops: BulkOperation[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({
      action: 'index',
      index: 'pr-documents-write',
      id,
      document: { id },
    }));

    it('chunks by count and by bytes', () => {
      expect(chunkOperations(ops, 2, 1e9).map((c) => c.map((o) => o.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
      expect(chunkOperations(ops, 100, 250).map((c) => c.length)).toEqual([2, 2, 1]);
    });

    it('retries 429 items with backoff, reports other failures per item, retries a 429 request', async () => {
      const { mock, client, calls } = setup();
      let attempt = 0;
      route(mock, calls, 'POST', '/_bulk', (p) => {
        attempt++;
        if (attempt === 1) return responseError(429, 'es_rejected_execution_exception');
        const lines = p.body as { index?: { _id: string } }[];
        const ids = lines.filter((l) => l.index).map((l) => l.index?._id as string);
        return {
          errors: true,
          items: ids.map((id) =>
            id === 'b' && attempt === 2
              ? {
                  index: {
                    _id: id,
                    status: 429,
                    error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
                  },
                }
              : id === 'c'
                ? { index: { _id: id, status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad field' } } }
                : { index: { _id: id, status: 201, result: 'created' } },
          ),
        };
      });
      const waits: number[] = [];
      const results = await bulkWrite(client, ops, {
        maxOperations: 2,
        backoffMs: 100,
        sleep: async (ms) => {
          waits.push(ms);
        },
        refresh: 'wait_for',
      });
      expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
      expect(results[2]).toMatchObject({ ok: false, status: 400, type: 'mapper_parsing_exception' });
      // request 1: 429 (whole); 2: a ok, b 429; 3: b ok; then chunks [c d] and [e].
      const chunks = calls.map((c) =>
        (c.body as { index?: { _id: string } }[]).filter((l) => l.index).map((l) => l.index?._id),
      );
      expect(chunks).toEqual([['a', 'b'], ['a', 'b'], ['b'], ['c', 'd'], ['e']]);
      expect(calls[0].querystring).toMatchObject({ refresh: 'wait_for' });
      expect(waits).toHaveLength(2);
      expect(waits[1]).toBeGreaterThan(waits[0] * 0.9);
    });
  });

  it('bulk upsert: mget hashes, writes only changed docs (last copy), per-item outcomes', async () => {
    const { mock, calls, index } = setup();
    const a = corpusDoc('nrc-spent-fuel');
    const b = corpusDoc('chips-export');
    const c = corpusDoc('minerals-eo');
    const storedB = { ...b, contentHash: 'old' };
    route(mock, calls, 'POST', '/:index/_mget', (p) =>
      p.querystring?._source_includes
        ? {
            docs: [
              { _id: a.id, found: true, _source: { contentHash: a.contentHash } },
              { _id: b.id, found: true, _source: { contentHash: 'old' } },
              { _id: c.id, found: false },
            ],
          }
        : { docs: [{ _id: b.id, found: true, _source: { ...searchableFields(storedB), doc: storedB } }] },
    );
    route(mock, calls, 'POST', '/_bulk', (p) => {
      const ids = (p.body as { index?: { _id: string } }[]).filter((l) => l.index).map((l) => l.index?._id);
      return {
        errors: true,
        items: ids.map((id) =>
          id === c.id
            ? { index: { _id: id, status: 400, error: { type: 'mapper_parsing_exception', reason: 'nope' } } }
            : { index: { _id: id, status: 200, result: 'updated' } },
        ),
      };
    });
    const out = await index.upsertDocuments([a, b, c]);
    expect(out).toEqual([
      { id: a.id, outcome: 'unchanged' },
      { id: b.id, outcome: 'updated' },
      { id: c.id, outcome: 'failed', error: 'mapper_parsing_exception: nope' },
    ]);
    expect(calls[0].body).toEqual({ ids: [a.id, b.id, c.id] });
    // b's content changed: its stored version is read in full and kept before b is written.
    expect(calls[1]).toMatchObject({ path: '/pr-documents-write/_mget', body: { ids: [b.id] } });
    const written = calls
      .filter((x) => x.path === '/_bulk')
      .map((x) => (x.body as { index?: { _id: string } }[]).filter((l) => l.index).map((l) => l.index?._id));
    expect(written).toEqual([[`${b.id}.v1`], [b.id, c.id]]);
  });

  describe('version history', () => {
    const v1 = corpusDoc('port-cyber-rule');
    const v2 = {
      ...v1,
      version: 2,
      body: 'Finalized.',
      contentHash: 'hash-2',
      diff: { added: ['Finalized.'], removed: [] },
    };
    const source = (d: typeof v1) => ({ ...searchableFields(d), doc: d });
    const ids = (body: unknown) =>
      (body as { index?: { _index: string; _id: string }; delete?: { _index: string; _id: string } }[])
        .map((l) => l.index ?? l.delete)
        .filter((m) => m !== undefined)
        .map((m) => `${m._index}/${m._id}`);

    it('a content change keeps the replaced version in its own bulk request before the document is written', async () => {
      const { mock, calls, index } = setup();
      route(mock, calls, 'POST', '/:index/_mget', (p) =>
        p.querystring?._source_includes
          ? { docs: [{ _id: v1.id, found: true, _source: { contentHash: v1.contentHash } }] }
          : { docs: [{ _id: v1.id, found: true, _source: source(v1) }] },
      );
      route(mock, calls, 'POST', '/_bulk', (p) => ({
        errors: false,
        items: ids(p.body).map((id) => ({ index: { _id: id.split('/')[1], status: 200, result: 'updated' } })),
      }));
      expect(await index.upsertDocuments([v2])).toEqual([{ id: v1.id, outcome: 'updated' }]);
      const bulks = calls.filter((c) => c.path === '/_bulk');
      expect(bulks.map((b) => ids(b.body))).toEqual([
        [`pr-document-versions/${v1.id}.v1`],
        [`pr-documents-write/${v1.id}`],
      ]);
      expect((bulks[0].body as object[])[1]).toEqual({
        documentId: v1.id,
        version: 1,
        contentHash: v1.contentHash,
        title: v1.title,
        summary: v1.summary,
        body: v1.body,
        url: v1.url,
        indexedAt: v1.indexedAt,
        publishedAt: v1.publishedAt,
      });
      expect(bulks[1].querystring).toMatchObject({ refresh: 'wait_for' });
    });

    it('a document whose replaced version could not be kept is not written, and is reported failed', async () => {
      const { mock, calls, index } = setup();
      route(mock, calls, 'POST', '/:index/_mget', (p) =>
        p.querystring?._source_includes
          ? { docs: [{ _id: v1.id, found: true, _source: { contentHash: v1.contentHash } }] }
          : { docs: [{ _id: v1.id, found: true, _source: source(v1) }] },
      );
      route(mock, calls, 'POST', '/_bulk', () => ({
        errors: true,
        items: [{ index: { _id: `${v1.id}.v1`, status: 400, error: { type: 'mapper_exception', reason: 'no' } } }],
      }));
      expect(await index.upsertDocuments([v2])).toEqual([
        { id: v1.id, outcome: 'failed', error: 'keeping the replaced version failed: mapper_exception: no' },
      ]);
      expect(calls.filter((c) => c.path === '/_bulk')).toHaveLength(1);
    });

    it('lists the current version from the document and the earlier ones by id, newest first', async () => {
      const { mock, calls, index } = setup();
      const v3 = { ...v2, version: 3, body: 'Amended again.', contentHash: 'hash-3' };
      route(mock, calls, 'GET', '/:index/_doc/:id', () => ({ _id: v1.id, found: true, _source: source(v3) }));
      route(mock, calls, 'POST', '/:index/_mget', () => ({
        docs: [
          { _id: `${v1.id}.v2`, found: false },
          { _id: `${v1.id}.v1`, found: true, _source: { documentId: v1.id, version: 1, body: v1.body } },
        ],
      }));
      const versions = await index.listDocumentVersions(v1.id);
      expect(versions.map((v) => [v.version, v.body])).toEqual([
        [3, 'Amended again.'],
        [1, v1.body],
      ]);
      expect(calls[1]).toMatchObject({
        path: '/pr-document-versions/_mget',
        body: { ids: [`${v1.id}.v2`, `${v1.id}.v1`] },
      });
    });

    it('deletes the document, then its earlier versions by id', async () => {
      const { mock, calls, index } = setup();
      route(mock, calls, 'GET', '/:index/_doc/:id', () => ({ _id: v1.id, found: true, _source: source(v2) }));
      route(mock, calls, 'DELETE', '/:index/_doc/:id', () => ({ _id: v1.id, result: 'deleted' }));
      route(mock, calls, 'POST', '/_bulk', () => ({
        errors: false,
        items: [{ delete: { _id: `${v1.id}.v1`, status: 200, result: 'deleted' } }],
      }));
      expect(await index.deleteDocument(v1.id)).toBe(true);
      expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        `GET /pr-documents-read/_doc/${v1.id}`,
        `DELETE /pr-documents-write/_doc/${v1.id}`,
        'POST /_bulk',
      ]);
      expect(ids(calls[2].body)).toEqual([`pr-document-versions/${v1.id}.v1`]);
    });
  });

  it('forced upsert rewrites a document whose content hash is unchanged (re-tagging)', async () => {
    const { mock, calls, index } = setup();
    const a = corpusDoc('nrc-spent-fuel');
    route(mock, calls, 'POST', '/:index/_mget', () => ({
      docs: [{ _id: a.id, found: true, _source: { contentHash: a.contentHash } }],
    }));
    route(mock, calls, 'POST', '/_bulk', () => ({ errors: false, items: [{ index: { _id: a.id, status: 200 } }] }));
    expect(await index.upsertDocuments([a], { force: true })).toEqual([{ id: a.id, outcome: 'updated' }]);
    expect(calls.filter((c) => c.path === '/_bulk')).toHaveLength(1);
  });

  it('feedback: indexed with wait_for; listed by document and label, oldest first', async () => {
    const { mock, calls, index } = setup();
    const feedback = {
      id: 'f1',
      documentId: 'd1',
      kind: 'wrong_tag' as const,
      label: 'shipbuilding',
      createdAt: '2026-11-24T00:00:00.000Z',
    };
    route(mock, calls, 'PUT', '/:index/_doc/:id', () => ({ _id: 'f1', result: 'created' }));
    route(mock, calls, 'POST', '/:index/_search', () => ({
      ...emptySearch,
      hits: { total: { value: 1, relation: 'eq' }, hits: [{ _id: 'f1', _source: feedback }] },
    }));
    await index.recordFeedback(feedback);
    expect(calls[0]).toMatchObject({
      method: 'PUT',
      path: '/pr-feedback/_doc/f1',
      querystring: { refresh: 'wait_for' },
    });
    expect(await index.listFeedback({ documentId: 'd1', label: 'shipbuilding' })).toEqual([feedback]);
    expect(calls[1]).toMatchObject({ path: '/pr-feedback/_search' });
    expect((calls[1].body as { query: unknown }).query).toEqual({
      bool: { filter: [{ term: { documentId: 'd1' } }, { term: { label: 'shipbuilding' } }] },
    });
  });

  it('API keys: stored by id with wait_for, found by a term query on the hash, a 404 is null', async () => {
    const { mock, calls, index } = setup();
    const key = {
      id: 'k1',
      name: 'desk',
      role: 'policy' as const,
      hash: 'f'.repeat(64),
      createdAt: '2026-11-24T00:00:00.000Z',
    };
    route(mock, calls, 'PUT', '/:index/_doc/:id', () => ({ _id: 'k1', result: 'created' }));
    route(mock, calls, 'POST', '/:index/_search', () => ({
      ...emptySearch,
      hits: { total: { value: 1, relation: 'eq' }, hits: [{ _id: 'k1', _source: key }] },
    }));
    route(mock, calls, 'GET', '/:index/_doc/:id', () => responseError(404, 'not_found'));
    await index.saveApiKey(key);
    expect(calls[0]).toMatchObject({
      method: 'PUT',
      path: '/pr-api-keys/_doc/k1',
      querystring: { refresh: 'wait_for' },
    });
    expect(calls[0].body).toEqual(key);
    expect(await index.findApiKeyByHash(key.hash)).toEqual(key);
    expect(calls[1]).toMatchObject({ path: '/pr-api-keys/_search' });
    expect((calls[1].body as { query: unknown }).query).toEqual({ term: { hash: key.hash } });
    expect(await index.getApiKey('missing')).toBeNull();
  });

  it('search: filter + scored query, facets, histogram with time zone, highlight, relevance sort', async () => {
    const { mock, calls, index } = setup();
    const doc = corpusDoc('nrc-spent-fuel');
    route(mock, calls, 'POST', '/:index/_search', () => ({
      ...emptySearch,
      hits: {
        total: { value: 1, relation: 'eq' },
        hits: [
          {
            _id: doc.id,
            _score: 3.5,
            _source: { ...searchableFields(doc), doc },
            highlight: { summary: ['dry cask storage of <mark>spent</mark> <mark>fuel</mark> &amp; more'] },
            sort: [3.5, 1, doc.id],
          },
        ],
      },
      aggregations: {
        facet_sector: { buckets: [{ key: 'nuclear-energy', doc_count: 1 }] },
        histogram: {
          buckets: [
            { key_as_string: '2026-01-12', key: 1, doc_count: 1 },
            { key_as_string: '2026-01-19', key: 2, doc_count: 0 },
            { key_as_string: '2026-01-26', key: 3, doc_count: 2 },
          ],
        },
      },
    }));
    const res = await index.search({
      query: parseQuery('"spent fuel" -comments sector:nuclear-energy'),
      facets: ['sector'],
      histogram: { interval: 'week', timeZone: 'America/New_York' },
      limit: 10,
    });
    expect(res.total).toBe(1);
    expect(res.hits[0]).toMatchObject({
      score: 3.5,
      snippet: expect.stringContaining('<mark>spent</mark> <mark>fuel</mark>'),
    });
    expect(res.hits[0].document).toEqual(doc);
    expect(res.facets.sector).toEqual([{ value: 'nuclear-energy', count: 1 }]);
    expect(res.histogram).toEqual([
      { key: '2026-01-12', count: 1 },
      { key: '2026-01-19', count: 0 },
      { key: '2026-01-26', count: 2 },
    ]);
    const body = calls[0].body as Record<string, unknown>;
    expect(calls[0].path).toBe('/pr-documents-read/_search');
    expect(body).toMatchObject({
      size: 11,
      from: 0,
      track_total_hits: true,
      sort: [{ _score: { order: 'desc' } }, { publishedMs: { order: 'desc' } }, { id: { order: 'asc' } }],
      aggs: {
        facet_sector: { terms: { field: 'sector', size: 20, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
        histogram: {
          date_histogram: {
            field: 'publishedAt',
            calendar_interval: 'week',
            time_zone: 'America/New_York',
            format: 'yyyy-MM-dd',
            min_doc_count: 0,
          },
        },
      },
      highlight: { encoder: 'html', pre_tags: ['<mark>'], post_tags: ['</mark>'] },
    });
    const query = body.query as { bool: { filter: unknown[]; should: unknown[] } };
    expect(query.bool.filter).toEqual([compileQuery(parseQuery('"spent fuel" -comments sector:nuclear-energy'))]);
    // Neither scoring nor highlighting sees the negated word.
    expect(JSON.stringify(query.bool.should)).not.toContain('comments');
    expect(JSON.stringify((body.highlight as { highlight_query: unknown }).highlight_query)).not.toContain('comments');
  });

  it('date sort: search_after, then a point in time for the following pages', async () => {
    const { mock, calls, index } = setup();
    const docs = ['minerals-eo', 'port-cyber-rule', 'doe-smr-funding'].map(corpusDoc);
    const hit = (d: (typeof docs)[number]) => ({
      _id: d.id,
      _score: 0,
      _source: { ...searchableFields(d), doc: d },
      sort: [Date.parse(d.publishedAt), d.id],
    });
    route(mock, calls, 'POST', '/:index/_search', () => ({
      ...emptySearch,
      hits: { total: { value: 3 }, hits: docs.map(hit) },
    }));
    route(mock, calls, 'POST', '/:index/_pit', () => ({ id: 'pit-42' }));
    route(mock, calls, 'POST', '/_search', () => ({
      ...emptySearch,
      pit_id: 'pit-43',
      hits: { total: { value: 3 }, hits: [hit(docs[2])] },
    }));
    route(mock, calls, 'DELETE', '/_pit', () => ({ succeeded: true }));

    const first = await index.search({ query: { kind: 'all' }, sort: 'date', limit: 2 });
    expect(first.hits.map((h) => h.document.id)).toEqual(['minerals-eo', 'port-cyber-rule']);
    expect(calls[0].body).toMatchObject({
      sort: [{ publishedMs: 'desc' }, { id: 'desc' }],
      size: 3,
      track_scores: true,
    });
    expect(calls[1]).toMatchObject({ path: '/pr-documents-read/_pit', querystring: { keep_alive: '2m' } });

    const second = await index.search({ query: { kind: 'all' }, sort: 'date', limit: 2, cursor: first.nextCursor });
    expect(second.hits.map((h) => h.document.id)).toEqual(['doe-smr-funding']);
    expect(second.nextCursor).toBeUndefined();
    expect(calls[2].path).toBe('/_search');
    expect(calls[2].body).toMatchObject({
      pit: { id: 'pit-42', keep_alive: '2m' },
      search_after: [Date.parse(docs[1].publishedAt), 'port-cyber-rule'],
    });
    expect(calls[3]).toMatchObject({ method: 'DELETE', path: '/_pit', body: { id: 'pit-43' } });
  });

  it('relevance sort: offsets into a point in time opened after the first page, closed after the last', async () => {
    const { mock, calls, index } = setup();
    const docs = ['minerals-eo', 'port-cyber-rule', 'doe-smr-funding'].map(corpusDoc);
    const hit = (d: (typeof docs)[number], score: number) => ({
      _id: d.id,
      _score: score,
      _source: { ...searchableFields(d), doc: d },
      sort: [score, Date.parse(d.publishedAt), d.id],
    });
    route(mock, calls, 'POST', '/:index/_search', () => ({
      ...emptySearch,
      hits: { total: { value: 3 }, hits: [hit(docs[0], 3), hit(docs[1], 2), hit(docs[2], 1)] },
    }));
    route(mock, calls, 'POST', '/:index/_pit', () => ({ id: 'pit-7' }));
    route(mock, calls, 'POST', '/_search', () => ({
      ...emptySearch,
      pit_id: 'pit-8',
      hits: { total: { value: 3 }, hits: [hit(docs[2], 1)] },
    }));
    route(mock, calls, 'DELETE', '/_pit', () => ({ succeeded: true }));

    const first = await index.search({ query: parseQuery('reactor'), limit: 2 });
    expect(first.hits.map((h) => h.document.id)).toEqual(['minerals-eo', 'port-cyber-rule']);
    expect(calls[0]).toMatchObject({ path: '/pr-documents-read/_search', body: { from: 0, size: 3 } });
    expect(calls[1]).toMatchObject({ path: '/pr-documents-read/_pit', querystring: { keep_alive: '2m' } });

    const second = await index.search({ query: parseQuery('reactor'), limit: 2, cursor: first.nextCursor });
    expect(second.hits.map((h) => h.document.id)).toEqual(['doe-smr-funding']);
    expect(second.nextCursor).toBeUndefined();
    // Inside the point in time: no index in the path, the same sort, the next offset.
    expect(calls[2].path).toBe('/_search');
    expect(calls[2].body).toMatchObject({
      pit: { id: 'pit-7', keep_alive: '2m' },
      from: 2,
      size: 3,
      sort: [{ _score: { order: 'desc' } }, { publishedMs: { order: 'desc' } }, { id: { order: 'asc' } }],
    });
    expect(calls[3]).toMatchObject({ method: 'DELETE', path: '/_pit', body: { id: 'pit-8' } });
    // A relevance search that fits on one page opens no point in time.
    calls.length = 0;
    await index.search({ query: parseQuery('reactor'), limit: 5 });
    expect(calls.map((c) => c.path)).toEqual(['/pr-documents-read/_search']);
  });

  it('subscriptions are percolator documents; matching percolates confirmed, non-relative ones', async () => {
    const { mock, calls, index } = setup();
    route(mock, calls, 'PUT', '/:index/_doc/:id', () => ({ result: 'created', _id: 'x' }));
    route(mock, calls, 'POST', '/:index/_search', (p) => {
      const text = JSON.stringify(p.body);
      const hits = text.includes('"percolate":{"field"')
        ? [{ _id: 's1', _source: { subscription: makeSubscription({ id: 's1', query: 'reactor' }) }, sort: ['s1'] }]
        : [
            {
              _id: 's2',
              _source: { subscription: makeSubscription({ id: 's2', query: 'reactor published:>now-7d' }) },
            },
          ];
      return { ...emptySearch, hits: { hits } };
    });
    await index.saveSubscription(makeSubscription({ id: 's1', query: 'reactor' }));
    expect(calls[0]).toMatchObject({
      method: 'PUT',
      path: '/pr-subscriptions/_doc/s1',
      querystring: { refresh: 'wait_for' },
    });
    expect(calls[0].body).toMatchObject({
      percolate: compileQuery(parseQuery('reactor')),
      relative: false,
      subscription: { id: 's1' },
    });
    await index.saveSubscription(makeSubscription({ id: 'bad', query: '(reactor OR' }));
    expect(calls[1].body).toMatchObject({ percolate: { match_none: {} } });

    const doc = { ...corpusDoc('nrc-spent-fuel'), publishedAt: new Date().toISOString() };
    const matched = await index.matchSubscriptions(doc);
    expect(matched.map((s) => s.id)).toEqual(['s1', 's2']);
    const percolate = calls.find((c) => JSON.stringify(c.body).includes('"percolate":{"field"'));
    expect(percolate?.body).toMatchObject({
      query: {
        bool: {
          filter: [
            { term: { 'subscription.status': 'confirmed' } },
            { term: { relative: false } },
            { percolate: { field: 'percolate', document: searchableFields(doc) } },
          ],
        },
      },
    });
  });

  it('init adds the webhook target field to a subscriptions index created before it', async () => {
    const { mock, calls, index } = setup();
    route(mock, calls, 'PUT', '/_index_template/:name', () => ({ acknowledged: true }));
    route(mock, calls, 'HEAD', '/_alias/:name', () => '');
    route(mock, calls, 'HEAD', '/:index', () => '');
    route(mock, calls, 'PUT', '/:index/_mapping', () => ({ acknowledged: true }));
    await index.init();
    const mapping = calls.find((c) => c.path === '/pr-subscriptions/_mapping');
    expect(mapping?.body).toEqual({
      properties: {
        subscription: {
          type: 'object',
          dynamic: false,
          properties: { target: { type: 'object', properties: { kind: { type: 'keyword' } } } },
        },
      },
    });
  });

  it('lists webhook subscriptions by target kind, email ones by its absence', async () => {
    const { mock, calls, index } = setup();
    route(mock, calls, 'POST', '/:index/_search', () => ({ ...emptySearch, hits: { hits: [] } }));
    await index.listSubscriptions({ channel: 'webhook', status: 'confirmed' });
    await index.listSubscriptions({ channel: 'email' });
    expect((calls[0].body as { query: unknown }).query).toEqual({
      bool: {
        filter: [{ term: { 'subscription.status': 'confirmed' } }, { term: { 'subscription.target.kind': 'webhook' } }],
      },
    });
    expect((calls[1].body as { query: unknown }).query).toEqual({
      bool: { filter: [{ bool: { must_not: [{ exists: { field: 'subscription.target.kind' } }] } }] },
    });
  });

  describe('claimAlertKeys', () => {
    let conflicts = 0;
    /**
     * The alert-keys index as a tiny in-memory Elasticsearch: realtime mget, create (409 when
     * taken), if_seq_no. Each request is a separate await, so concurrent claims interleave.
     */
    function keyStore(mock: Mock, calls: Call[]) {
      const docs = new Map<string, { source: Record<string, unknown>; seqNo: number }>();
      conflicts = 0;
      let seq = 0;
      route(mock, calls, 'POST', '/:index/_mget', (p) => {
        const ids = (p.body as { ids: string[] }).ids;
        return {
          docs: ids.map((id) => {
            const d = docs.get(id);
            return d ? { _id: id, found: true, _source: d.source, _seq_no: d.seqNo } : { _id: id, found: false };
          }),
        };
      });
      route(mock, calls, ['PUT', 'POST'], '/:index/_doc/:id', (p) => {
        const id = p.path.split('/').pop()!;
        const q = p.querystring ?? {};
        const existing = docs.get(id);
        if (q.op_type === 'create' && existing) {
          conflicts++;
          return responseError(409, 'version_conflict_engine_exception');
        }
        if (q.if_seq_no !== undefined && (!existing || String(existing.seqNo) !== String(q.if_seq_no))) {
          return responseError(409, 'version_conflict_engine_exception');
        }
        docs.set(id, { source: p.body as Record<string, unknown>, seqNo: ++seq });
        return { _id: id, result: existing ? 'updated' : 'created', _seq_no: seq, _primary_term: 1 };
      });
      return docs;
    }

    it('reads every key at once, creates free identity keys in sorted order, then the document key', async () => {
      const { mock, calls, index } = setup();
      keyStore(mock, calls);
      expect(await index.claimAlertKeys('doc-a', ['doc:doc-a', 'url:b.gov/x', 'fr:2026-00123'])).toBe('doc-a');
      expect(calls[0]).toMatchObject({ method: 'POST', path: '/pr-alert-keys/_mget' });
      expect(calls[0].body).toEqual({ ids: ['doc:doc-a', 'fr:2026-00123', 'url:b.gov/x'].map(alertKeyDocId) });
      const writes = calls.slice(1).map((c) => [(c.body as { key: string }).key, c.querystring?.op_type]);
      expect(writes).toEqual([
        ['fr:2026-00123', 'create'],
        ['url:b.gov/x', 'create'],
        ['doc:doc-a', 'create'],
      ]);
      expect(calls[1].body).toMatchObject({ alertId: 'doc-a', claimedAt: expect.any(String) });

      calls.length = 0;
      expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:c.gov/y', 'fr:2026-00123'])).toBe('doc-a');
      expect(
        calls
          .slice(1)
          .map((c) => [(c.body as { key: string; alertId: string }).key, (c.body as { alertId: string }).alertId]),
      ).toEqual([
        ['url:c.gov/y', 'doc-a'],
        ['doc:doc-b', 'doc-a'],
      ]);
      // An attached document: one read, nothing written.
      calls.length = 0;
      expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:c.gov/y', 'fr:2026-00123'])).toBe('doc-a');
      expect(calls.map((c) => c.path)).toEqual(['/pr-alert-keys/_mget']);
    });

    it('names claims by a hash of the key (keys hold slashes and any script)', () => {
      expect(alertKeyDocId('url:a.gov/x')).toMatch(/^k-[0-9a-f]{64}$/);
      expect(alertKeyDocId(`title:${'é'.repeat(300)}`)).toMatch(/^k-[0-9a-f]{64}$/);
      expect(alertKeyDocId('url:a.gov/x')).not.toBe(alertKeyDocId('url:a.gov/y'));
    });

    it('concurrent documents with overlapping keys settle on one alert; the loser re-points its own claims', async () => {
      let contended = 0;
      for (let round = 0; round < 20; round++) {
        const { mock, calls, index } = setup();
        const docs = keyStore(mock, calls);
        const results = await Promise.all([
          index.claimAlertKeys('a', ['doc:a', 'url:a.gov', 'url:z.gov']),
          index.claimAlertKeys('b', ['doc:b', 'url:b.gov', 'url:z.gov']),
          index.claimAlertKeys('c', ['doc:c', 'url:z.gov']),
        ]);
        expect(new Set(results).size).toBe(1);
        const owners = new Set([...docs.values()].map((d) => d.source.alertId));
        expect(owners).toEqual(new Set([results[0]]));
        expect(docs.size).toBe(6);
        contended += conflicts;
      }
      expect(contended).toBeGreaterThan(0); // the races really happened
    });
  });

  it('relative date queries are recognised', () => {
    expect(isRelativeQuery('reactor published:>now-7d')).toBe(true);
    expect(isRelativeQuery('reactor published:>=2026-01-01')).toBe(false);
    expect(isRelativeQuery('(broken')).toBe(false);
  });
});
