/**
 * The one contract every `SearchIndex` adapter must honour (one suite, run unchanged against
 * each adapter). An adapter's spec is a few lines:
 *
 *   describeSearchIndexConformance('sqlite', async () => new SqliteSearchIndex({ file: tmp() }));
 *
 * Each test gets a fresh, empty index from `makeIndex`; the suite calls `init()` before and
 * `close()` after. Writes must be visible to the next read (an adapter with a refresh interval
 * must refresh on write).
 */
import {
  parseQuery,
  words,
  type KeywordField,
  type QueryNode,
  type QueryTextField,
  type RadarDocument,
} from '@radar/core';
import {
  InvalidSearchRequestError,
  type FacetName,
  type SearchIndex,
  type SearchRequest,
  type SearchResult,
  type SortOrder,
} from '../search-index.port';
import { CORPUS, CORPUS_BY_DATE, corpusDoc, makeAlert, makeDoc, makeSubscription } from './corpus';

// ------------------------------------------------------------------ AST builders

const ALL: QueryNode = { kind: 'all' };
const term = (value: string, opts: { prefix?: boolean; field?: QueryTextField } = {}): QueryNode => ({
  kind: 'term',
  value,
  prefix: opts.prefix ?? false,
  ...(opts.field ? { field: opts.field } : {}),
});
const phrase = (text: string, opts: { slop?: number; field?: QueryTextField } = {}): QueryNode => ({
  kind: 'phrase',
  words: text.split(' '),
  ...(opts.slop !== undefined ? { slop: opts.slop } : {}),
  ...(opts.field ? { field: opts.field } : {}),
});
const kw = (field: KeywordField, value: string): QueryNode => ({ kind: 'keyword', field, value });
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });
const or = (...children: QueryNode[]): QueryNode => ({ kind: 'or', children });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });
const published = (bounds: { gte?: string; gt?: string; lte?: string; lt?: string }): QueryNode => ({
  kind: 'range',
  field: 'published',
  ...bounds,
});

/** The query language's string form, through the shared parser (empty string = everything). */
const q = (input: string): QueryNode => (input.trim() === '' ? ALL : parseQuery(input));

const sorted = (ids: readonly string[]): string[] => [...ids].sort();
const hitIds = (r: SearchResult): string[] => r.hits.map((h) => h.document.id);

/** Every page of a search, following cursors; fails on a runaway cursor. */
async function searchAll(
  index: SearchIndex,
  query: QueryNode,
  sort: SortOrder = 'date',
  limit = 100,
): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const req: SearchRequest = { query, sort, limit };
    if (cursor !== undefined) req.cursor = cursor;
    const res = await index.search(req);
    out.push(...hitIds(res));
    cursor = res.nextCursor;
    if (cursor === undefined) return out;
  }
  throw new Error('pagination did not terminate');
}

async function seed(index: SearchIndex, docs: readonly RadarDocument[] = CORPUS): Promise<void> {
  for (const doc of docs) await index.upsertDocument(doc);
}

const stripMarks = (s: string): string => s.replace(/<\/?mark>/g, '');

// ------------------------------------------------------------------ the suite

export function describeSearchIndexConformance(name: string, makeIndex: () => Promise<SearchIndex>): void {
  describe(`SearchIndex conformance: ${name}`, () => {
    let index: SearchIndex;

    beforeEach(async () => {
      index = await makeIndex();
      await index.init();
    });

    afterEach(async () => {
      await index.close();
    });

    /** Ids found for a query (all pages), sorted for set comparison. */
    const find = async (query: QueryNode): Promise<string[]> => sorted(await searchAll(index, query));

    describe('empty index', () => {
      it('finds nothing, counts zero and knows no document', async () => {
        const res = await index.search({ query: ALL, facets: ['sector'] });
        expect(res.total).toBe(0);
        expect(res.hits).toEqual([]);
        expect(res.nextCursor).toBeUndefined();
        expect(res.facets.sector).toEqual([]);
        expect(await index.count()).toBe(0);
        expect(await index.getDocument('nope')).toBeNull();
        expect(await index.deleteDocument('nope')).toBe(false);
        expect(await index.search({ query: term('reactor'), sort: 'relevance' })).toMatchObject({ total: 0, hits: [] });
      });

      it('init is idempotent', async () => {
        await index.init();
        await index.upsertDocument(corpusDoc('nrc-spent-fuel'));
        await index.init();
        expect(await index.count()).toBe(1);
      });
    });

    describe('documents', () => {
      it('upserts, gets and deletes a document', async () => {
        const doc = corpusDoc('nrc-spent-fuel');
        expect(await index.upsertDocument(doc)).toBe('created');
        expect(await index.getDocument(doc.id)).toEqual(doc);
        expect(await find(term('cask'))).toEqual([doc.id]);
        expect(await index.deleteDocument(doc.id)).toBe(true);
        expect(await index.getDocument(doc.id)).toBeNull();
        expect(await find(term('cask'))).toEqual([]);
        expect(await find(kw('sector', 'nuclear-energy'))).toEqual([]);
        expect(await index.count()).toBe(0);
        expect(await index.deleteDocument(doc.id)).toBe(false);
      });

      it('re-upserting the same content hash is unchanged and writes nothing', async () => {
        const doc = corpusDoc('nrc-spent-fuel');
        await index.upsertDocument(doc);
        expect(await index.upsertDocument(doc)).toBe('unchanged');
        // Same hash, other fields differ: still unchanged, and the stored copy is untouched.
        expect(await index.upsertDocument({ ...doc, priority: 'low', indexedAt: '2030-01-01T00:00:00.000Z' })).toBe(
          'unchanged',
        );
        expect(await index.getDocument(doc.id)).toEqual(doc);
        expect(await index.count()).toBe(1);
      });

      it('a new content hash replaces the document: new words found, old words and tags gone', async () => {
        const v1 = corpusDoc('nrc-spent-fuel');
        await index.upsertDocument(v1);
        const v2 = makeDoc({
          ...v1,
          version: 2,
          title: 'NRC withdraws proposed rule on reactor decommissioning funds',
          summary: 'The Commission withdrew the rulemaking after reviewing comments.',
          body: 'No further action is planned.',
          contentHash: 'hash-v2',
          subSectors: [{ id: 'grid-resilience', score: 0.6, evidence: [] }],
        });
        expect(await index.upsertDocument(v2)).toBe('updated');
        expect(await index.getDocument(v1.id)).toEqual(v2);
        expect(await index.count()).toBe(1);
        expect(await find(term('withdraws'))).toEqual([v1.id]);
        expect(await find(term('cask'))).toEqual([]);
        expect(await find(phrase('spent fuel'))).toEqual([]);
        expect(await find(kw('sector', 'nuclear-energy'))).toEqual([]);
        expect(await find(kw('sector', 'grid-resilience'))).toEqual([v1.id]);
        expect(await index.upsertDocument(v2)).toBe('unchanged');
      });
    });

    describe('query operators', () => {
      beforeEach(() => seed(index));

      it('matches a single word in any text field, case- and accent-insensitively', async () => {
        expect(await find(term('cybersecurity'))).toEqual(
          sorted(['doe-smr-funding', 'grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule']),
        );
        expect(await find(term('quebec'))).toEqual(['nrc-spent-fuel']);
        expect(await find(term('québec'))).toEqual(['nrc-spent-fuel']);
        expect(await find(q('DOE'))).toEqual(['doe-smr-funding']);
        expect(await find(term('zeppelin'))).toEqual([]);
      });

      it('matches whole words only', async () => {
        expect(await find(term('reactor'))).toEqual(
          sorted(['nrc-spent-fuel', 'doe-smr-funding', 'fda-biomanufacturing']),
        );
        expect(await find(term('reactors'))).toEqual(sorted(['nrc-spent-fuel', 'doe-smr-funding']));
      });

      it('implicit AND', async () => {
        expect(await find(and(term('cybersecurity'), term('comments')))).toEqual(
          sorted(['epa-water-notice', 'port-cyber-rule']),
        );
        expect(await find(q('cybersecurity comments'))).toEqual(sorted(['epa-water-notice', 'port-cyber-rule']));
        expect(await find(q('cybersecurity AND comments'))).toEqual(sorted(['epa-water-notice', 'port-cyber-rule']));
      });

      it('OR', async () => {
        expect(await find(or(term('semiconductor'), term('shipyard')))).toEqual(
          sorted(['chips-export', 'shipyard-news']),
        );
        expect(await find(q('semiconductor OR shipyard'))).toEqual(sorted(['chips-export', 'shipyard-news']));
      });

      it('NOT and -word', async () => {
        const expected = sorted(['doe-smr-funding', 'epa-water-notice', 'port-cyber-rule']);
        expect(await find(and(term('cybersecurity'), not(term('rural'))))).toEqual(expected);
        expect(await find(q('cybersecurity NOT rural'))).toEqual(expected);
        expect(await find(q('cybersecurity -rural'))).toEqual(expected);
        expect(await find(not(term('cybersecurity')))).toEqual(
          sorted(
            CORPUS_BY_DATE.filter(
              (id) => !['doe-smr-funding', 'grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule'].includes(id),
            ),
          ),
        );
      });

      it('parentheses', async () => {
        expect(await find(and(or(term('semiconductor'), term('shipyard')), not(kw('type', 'news'))))).toEqual([
          'chips-export',
        ]);
        expect(await find(q('(semiconductor OR shipyard) -type:news'))).toEqual(['chips-export']);
        expect(await find(q('comments AND (cybersecurity OR cranes)'))).toEqual(
          sorted(['epa-water-notice', 'port-cyber-rule']),
        );
      });

      it('NOT inside OR', async () => {
        expect(await find(or(term('reactor'), not(kw('sector', 'cybersecurity'))))).toEqual(
          sorted([
            'nrc-spent-fuel',
            'doe-smr-funding',
            'fda-biomanufacturing',
            'chips-export',
            'minerals-eo',
            'fuel-costs-news',
            'shipyard-news',
          ]),
        );
        expect(await find(not(not(term('rural'))))).toEqual(['grid-cyber-bill']);
      });

      it('a phrase needs consecutive words; separate words do not', async () => {
        expect(await find(phrase('spent fuel'))).toEqual(['nrc-spent-fuel']);
        expect(await find(q('"spent fuel"'))).toEqual(['nrc-spent-fuel']);
        expect(await find(and(term('spent'), term('fuel')))).toEqual(sorted(['nrc-spent-fuel', 'fuel-costs-news']));
        expect(await find(phrase('fuel spent'))).toEqual([]);
        expect(await find(phrase('spent nuclear fuel'))).toEqual(['nrc-spent-fuel']);
      });

      it('a phrase does not span fields', async () => {
        // title ends "reactor sites", summary starts "The Nuclear": no phrase across the boundary.
        expect(await find(phrase('sites the nuclear'))).toEqual([]);
      });

      it('prefix', async () => {
        expect(await find(term('semicond', { prefix: true }))).toEqual(['chips-export']);
        expect(await find(term('cyber', { prefix: true }))).toEqual(
          sorted(['doe-smr-funding', 'grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule']),
        );
        expect(await find(term('cyber'))).toEqual(['port-cyber-rule']);
        expect(await find(q('semicond*'))).toEqual(['chips-export']);
      });

      it('proximity', async () => {
        expect(await find(phrase('spent fuel', { slop: 3 }))).toEqual(sorted(['nrc-spent-fuel', 'fuel-costs-news']));
        expect(await find(phrase('spent fuel', { slop: 1 }))).toEqual(['nrc-spent-fuel']);
        expect(await find(q('"spent fuel"~3'))).toEqual(sorted(['nrc-spent-fuel', 'fuel-costs-news']));
      });

      it('title: and body: restrict a word or phrase to one field', async () => {
        expect(await find(term('reactor', { field: 'title' }))).toEqual(sorted(['nrc-spent-fuel', 'doe-smr-funding']));
        expect(await find(term('reactor', { field: 'body' }))).toEqual(['fda-biomanufacturing']);
        expect(await find(term('reactor', { field: 'summary' }))).toEqual([]);
        expect(await find(phrase('spent fuel', { field: 'title' }))).toEqual(['nrc-spent-fuel']);
        expect(await find(phrase('spent fuel', { field: 'summary' }))).toEqual([]);
        expect(await find(phrase('spent fuel', { field: 'title', slop: 3 }))).toEqual(
          sorted(['nrc-spent-fuel', 'fuel-costs-news']),
        );
        expect(await find(q('title:reactor'))).toEqual(sorted(['nrc-spent-fuel', 'doe-smr-funding']));
        expect(await find(q('body:reactor'))).toEqual(['fda-biomanufacturing']);
      });

      it('query-language operators and punctuation inside words are plain text', async () => {
        const corpusWith = (w: string): string[] =>
          sorted(CORPUS.filter((d) => words(`${d.title} ${d.summary} ${d.body}`).includes(w)).map((d) => d.id));
        expect(await find(term('and'))).toEqual(corpusWith('and'));
        expect(await find(term('near'))).toEqual([]);
        expect(await find(term('or'))).toEqual([]);
        expect(await find(term('"'))).toEqual([]);
        expect(await find(term('*'))).toEqual([]);
        expect(await find(phrase('fast track'))).toEqual(['shipyard-news']);
      });

      it.each<[string, QueryNode, string[]]>([
        ['sector', kw('sector', 'nuclear-energy'), ['nrc-spent-fuel', 'doe-smr-funding']],
        [
          'sector (multi-valued)',
          kw('sector', 'cybersecurity'),
          ['grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule'],
        ],
        ['area', kw('area', 'supply-chain'), ['chips-export', 'minerals-eo', 'fda-biomanufacturing']],
        ['goal', kw('goal', 'protect-supply-chains'), ['chips-export', 'minerals-eo', 'fda-biomanufacturing']],
        ['type', kw('type', 'guidance'), ['chips-export', 'fda-biomanufacturing']],
        ['agency (case-insensitive)', kw('agency', 'department of energy'), ['doe-smr-funding', 'grid-cyber-bill']],
        ['agency (upper case value)', kw('agency', 'U.S. COAST GUARD'), ['port-cyber-rule']],
        ['source', kw('source', 'federal-register'), ['nrc-spent-fuel', 'epa-water-notice', 'port-cyber-rule']],
        ['event', kw('event', 'comment_period'), ['epa-water-notice', 'port-cyber-rule']],
        ['priority', kw('priority', 'high'), ['nrc-spent-fuel', 'grid-cyber-bill', 'minerals-eo', 'port-cyber-rule']],
        ['unknown value', kw('sector', 'space'), []],
        [
          'keyword and word',
          and(kw('sector', 'cybersecurity'), kw('priority', 'high')),
          ['grid-cyber-bill', 'port-cyber-rule'],
        ],
      ])('keyword field: %s', async (_label, query, expected) => {
        expect(await find(query)).toEqual(sorted(expected));
      });

      it('keyword fields through the parser', async () => {
        expect(await find(q('sector:nuclear-energy'))).toEqual(sorted(['nrc-spent-fuel', 'doe-smr-funding']));
        expect(await find(q('type:guidance'))).toEqual(sorted(['chips-export', 'fda-biomanufacturing']));
        expect(await find(q('source:federal-register -type:notice'))).toEqual(
          sorted(['nrc-spent-fuel', 'port-cyber-rule']),
        );
      });

      it('published ranges, inclusive and exclusive, with open bounds', async () => {
        const since2026 = [
          'minerals-eo',
          'port-cyber-rule',
          'doe-smr-funding',
          'fuel-costs-news',
          'grid-cyber-bill',
          'nrc-spent-fuel',
          'fda-biomanufacturing',
        ];
        expect(await find(published({ gte: '2026-01-01T00:00:00.000Z' }))).toEqual(sorted(since2026));
        expect(await find(published({ lt: '2026-01-01T00:00:00.000Z' }))).toEqual(
          sorted(['chips-export', 'epa-water-notice', 'shipyard-news']),
        );
        // Bounds exactly on nrc-spent-fuel's instant.
        expect(await find(published({ gte: '2026-01-15T14:00:00.000Z', lte: '2026-01-15T14:00:00.000Z' }))).toEqual([
          'nrc-spent-fuel',
        ]);
        expect(await find(published({ gt: '2026-01-15T14:00:00.000Z', lt: '2026-01-28T18:00:00.000Z' }))).toEqual([]);
        expect(await find(published({ gte: '2026-01-01T00:00:00.000Z', lte: '2026-02-01T09:00:00.000Z' }))).toEqual(
          sorted(['fda-biomanufacturing', 'nrc-spent-fuel', 'grid-cyber-bill', 'fuel-costs-news']),
        );
        expect(await find(published({}))).toEqual(sorted(CORPUS_BY_DATE));
        expect(await find(and(term('reactor'), published({ gte: '2026-02-01T00:00:00.000Z' })))).toEqual([
          'doe-smr-funding',
        ]);
        expect(await find(q('published:>=2026-01-01'))).toEqual(sorted(since2026));
        expect(await find(q('published:<2026-01-01'))).toEqual(
          sorted(['chips-export', 'epa-water-notice', 'shipyard-news']),
        );
      });

      it('the empty query finds everything; count agrees with search', async () => {
        expect(await find(ALL)).toEqual(sorted(CORPUS_BY_DATE));
        expect(await index.count()).toBe(CORPUS.length);
        expect(await index.count(kw('sector', 'cybersecurity'))).toBe(3);
        expect(await index.count(term('reactor'))).toBe(3);
        expect((await index.search({ query: term('reactor'), limit: 1 })).total).toBe(3);
      });
    });

    describe('sorting', () => {
      beforeEach(() => seed(index));

      it('date sort: newest first', async () => {
        expect(await searchAll(index, ALL, 'date')).toEqual(CORPUS_BY_DATE);
        expect(await searchAll(index, term('cybersecurity'), 'date')).toEqual(
          CORPUS_BY_DATE.filter((id) =>
            ['doe-smr-funding', 'grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule'].includes(id),
          ),
        );
      });

      it('relevance is the default sort; a title match outranks a body match', async () => {
        const res = await index.search({ query: term('cybersecurity') });
        const ids = hitIds(res);
        expect(sorted(ids.slice(0, 2))).toEqual(sorted(['epa-water-notice', 'port-cyber-rule']));
        expect(ids[ids.length - 1]).toBe('doe-smr-funding');
        const scores = res.hits.map((h) => h.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        expect(scores[0]).toBeGreaterThan(scores[scores.length - 1]);
      });

      it('relevance: documents matched only by a filter rank after text matches', async () => {
        const ids = await searchAll(index, or(term('shipyard'), kw('sector', 'semiconductors')), 'relevance');
        expect(ids).toEqual(['shipyard-news', 'chips-export']);
      });

      it('relevance without text terms falls back to newest first', async () => {
        expect(await searchAll(index, kw('sector', 'cybersecurity'), 'relevance')).toEqual([
          'port-cyber-rule',
          'grid-cyber-bill',
          'epa-water-notice',
        ]);
      });

      it('relevance: title weight beats repeated body mentions', async () => {
        await seed(index, [
          makeDoc({
            id: 'hydro-title',
            title: 'Hydropower relicensing reform advances in committee',
            summary: 'Lawmakers advanced a licensing bill.',
            body: 'The bill now heads to the floor.',
            publishedAt: '2025-06-01T00:00:00.000Z',
          }),
          makeDoc({
            id: 'hydro-body',
            title: 'Energy committee markup roundup',
            summary: 'Several bills advanced this week.',
            body: 'Among them, a hydropower measure and a pipeline bill; hydropower operators welcomed it.',
            publishedAt: '2025-06-02T00:00:00.000Z',
          }),
        ]);
        expect(await searchAll(index, term('hydropower'), 'relevance')).toEqual(['hydro-title', 'hydro-body']);
        expect(await searchAll(index, term('hydropower'), 'date')).toEqual(['hydro-body', 'hydro-title']);
      });
    });

    describe('pagination', () => {
      const bulletin = (n: number, publishedAt: string): RadarDocument =>
        makeDoc({
          id: `bulletin-${String(n).padStart(2, '0')}`,
          title: `Grid reliability bulletin ${n}`,
          summary: `Bulletin ${n} on transformer supply and reliability standards.`,
          body:
            n % 2 === 0 ? 'Reliability coordinators reported no load shedding.' : 'Transformer lead times remain long.',
          publishedAt,
        });
      // 25 documents; every third shares its predecessor's timestamp, so ids must break ties.
      const bulletins = Array.from({ length: 25 }, (_, i) =>
        bulletin(i, new Date(Date.UTC(2025, 0, 1 + i - (i % 3 === 1 ? 1 : 0), 12)).toISOString()),
      );
      const byDate = [...bulletins]
        .sort((a, b) =>
          a.publishedAt === b.publishedAt ? (a.id < b.id ? 1 : -1) : a.publishedAt < b.publishedAt ? 1 : -1,
        )
        .map((d) => d.id);

      beforeEach(() => seed(index, bulletins));

      it.each<SortOrder>(['date', 'relevance'])('%s sort: cursors cover every document exactly once', async (sort) => {
        const ids = await searchAll(index, term('bulletin'), sort, 7);
        expect(ids).toHaveLength(25);
        expect(new Set(ids).size).toBe(25);
        if (sort === 'date') expect(ids).toEqual(byDate);
        const first = await index.search({ query: term('bulletin'), sort, limit: 7 });
        expect(first.total).toBe(25);
        expect(first.hits).toHaveLength(7);
      });

      it('limit defaults to 20 and is capped at 100', async () => {
        expect((await index.search({ query: ALL })).hits).toHaveLength(20);
        await seed(
          index,
          Array.from({ length: 90 }, (_, i) => bulletin(100 + i, new Date(Date.UTC(2024, 0, 1 + i)).toISOString())),
        );
        const res = await index.search({ query: ALL, limit: 500 });
        expect(res.hits).toHaveLength(100);
        expect(res.total).toBe(115);
        expect(res.nextCursor).toBeDefined();
      });

      it('the last page has no next cursor', async () => {
        const res = await index.search({ query: ALL, sort: 'date', limit: 25 });
        expect(res.hits).toHaveLength(25);
        expect(res.nextCursor).toBeUndefined();
      });

      it('date sort: documents inserted between pages do not shift later pages', async () => {
        const first = await index.search({ query: term('bulletin'), sort: 'date', limit: 5 });
        await seed(index, [
          bulletin(90, '2026-03-01T00:00:00.000Z'),
          bulletin(91, '2026-03-02T00:00:00.000Z'),
          bulletin(92, '2026-03-03T00:00:00.000Z'),
        ]);
        const seen = hitIds(first);
        let cursor = first.nextCursor;
        while (cursor !== undefined) {
          const page = await index.search({ query: term('bulletin'), sort: 'date', limit: 5, cursor });
          seen.push(...hitIds(page));
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(byDate);
      });
      it.each([
        ['words', term('bulletin')],
        ['no text, so every score is 0', ALL],
      ])(
        'relevance sort (%s): documents inserted between pages neither appear on later pages nor shift them',
        async (_, query) => {
          const before = await searchAll(index, query, 'relevance', 5);
          expect(before).toHaveLength(25);
          const first = await index.search({ query, sort: 'relevance', limit: 5 });
          expect(hitIds(first)).toEqual(before.slice(0, 5));
          // Newer than every bulletin and with "bulletin" three times in the title: these rank first.
          await seed(
            index,
            [90, 91, 92].map((n) => ({
              ...bulletin(n, `2026-03-0${n - 89}T00:00:00.000Z`),
              title: `Bulletin bulletin bulletin ${n}`,
            })),
          );
          const seen = hitIds(first);
          let cursor = first.nextCursor;
          while (cursor !== undefined) {
            const page = await index.search({ query, sort: 'relevance', limit: 5, cursor });
            expect(page.total).toBe(25);
            seen.push(...hitIds(page));
            cursor = page.nextCursor;
          }
          expect(seen).toEqual(before);
          // A new search sees them.
          const fresh = await index.search({ query, sort: 'relevance', limit: 3 });
          expect(fresh.total).toBe(28);
          expect(sorted(hitIds(fresh))).toEqual(['bulletin-90', 'bulletin-91', 'bulletin-92']);
        },
      );
    });

    describe('snippets', () => {
      beforeEach(() => seed(index));

      it('marks matched words and escapes HTML from the document', async () => {
        const [hit] = (await index.search({ query: term('shipyard'), sort: 'date' })).hits;
        expect(hit.document.id).toBe('shipyard-news');
        expect(hit.snippet).toMatch(/<mark>shipyard<\/mark>/i);
        expect(hit.snippet).toContain('&lt;b&gt;');
        expect(hit.snippet).toContain('&amp;');
        expect(stripMarks(hit.snippet)).not.toMatch(/[<>]/);
      });

      it('marks every word of a phrase and prefix matches', async () => {
        const [nrc] = (await index.search({ query: phrase('spent fuel') })).hits;
        expect(nrc.snippet).toMatch(/<mark>spent<\/mark> <mark>fuel<\/mark>/i);
        const [chips] = (await index.search({ query: term('semicond', { prefix: true }) })).hits;
        expect(chips.snippet).toContain('<mark>semiconductor</mark>');
      });

      it('does not mark words the query excludes', async () => {
        const res = await index.search({ query: and(term('cybersecurity'), not(term('comments'))) });
        for (const hit of res.hits) {
          expect(hit.snippet).toMatch(/<mark>cybersecurity<\/mark>/i);
          expect(hit.snippet).not.toMatch(/<mark>comments<\/mark>/i);
        }
      });

      it('a filter-only query still gets a plain, escaped excerpt', async () => {
        const [hit] = (await index.search({ query: kw('sector', 'shipbuilding') })).hits;
        expect(hit.snippet.length).toBeGreaterThan(0);
        expect(hit.snippet).not.toContain('<mark>');
        expect(hit.snippet).not.toMatch(/[<>]/);
      });

      it('picks a short passage around a match deep in a long body', async () => {
        const filler = 'The committee reviewed routine appropriations matters. '.repeat(80);
        await index.upsertDocument(
          makeDoc({
            id: 'long-hearing',
            title: 'Appropriations hearing transcript',
            summary: 'Full transcript of the subcommittee hearing.',
            body: `${filler}A witness warned that transformer shortages threaten grid recovery. ${filler}`,
            publishedAt: '2025-09-01T00:00:00.000Z',
          }),
        );
        const [hit] = (await index.search({ query: term('transformer') })).hits;
        expect(hit.snippet).toContain('<mark>transformer</mark>');
        expect(stripMarks(hit.snippet).length).toBeLessThanOrEqual(260);
      });
    });

    describe('facets', () => {
      beforeEach(() => seed(index));

      it('counts over the whole matching set, count desc then value asc', async () => {
        const res = await index.search({ query: ALL, limit: 1, facets: ['sector', 'type'] });
        expect(res.hits).toHaveLength(1);
        expect(res.facets.sector).toEqual([
          { value: 'cybersecurity', count: 3 },
          { value: 'grid-resilience', count: 2 },
          { value: 'nuclear-energy', count: 2 },
          { value: 'biotechnology', count: 1 },
          { value: 'critical-minerals', count: 1 },
          { value: 'ports-maritime', count: 1 },
          { value: 'semiconductors', count: 1 },
          { value: 'shipbuilding', count: 1 },
          { value: 'water-infrastructure', count: 1 },
        ]);
        expect(res.facets.type).toEqual([
          { value: 'guidance', count: 2 },
          { value: 'news', count: 2 },
          { value: 'bill', count: 1 },
          { value: 'funding', count: 1 },
          { value: 'notice', count: 1 },
          { value: 'presidential_document', count: 1 },
          { value: 'proposed_rule', count: 1 },
          { value: 'rule', count: 1 },
        ]);
        expect(res.facets.area).toBeUndefined();
      });

      it('follows the query, and keeps agency names as written', async () => {
        const res = await index.search({ query: term('cybersecurity'), facets: ['agency', 'event', 'source'] });
        expect(res.facets.agency).toEqual([
          { value: 'Department of Energy', count: 2 },
          { value: 'Environmental Protection Agency', count: 1 },
          { value: 'U.S. Coast Guard', count: 1 },
        ]);
        expect(res.facets.event).toEqual([
          { value: 'comment_period', count: 2 },
          { value: 'bill_introduced', count: 1 },
          { value: 'funding_opportunity', count: 1 },
          { value: 'proposed_rule', count: 1 },
        ]);
        expect(res.facets.source).toEqual([
          { value: 'federal-register', count: 2 },
          { value: 'congress-gov', count: 1 },
          { value: 'doe-newsroom', count: 1 },
        ]);
      });

      it('every facet name is accepted; at most 20 values each', async () => {
        const many = Array.from({ length: 30 }, (_, i) =>
          makeDoc({
            id: `agency-${i}`,
            title: 'Interagency memo',
            summary: 'Memo.',
            body: 'Memo.',
            publishedAt: '2024-05-01T00:00:00.000Z',
            agencies: [`Agency ${String(i).padStart(2, '0')}`],
          }),
        );
        await seed(index, many);
        const names: FacetName[] = ['sector', 'area', 'goal', 'type', 'agency', 'source', 'event'];
        const res = await index.search({ query: term('memo'), facets: names });
        for (const n of names) expect(Array.isArray(res.facets[n])).toBe(true);
        expect(res.facets.agency).toHaveLength(20);
        expect(res.facets.agency?.[0]).toEqual({ value: 'Agency 00', count: 1 });
        expect(res.facets.type).toEqual([{ value: 'news', count: 30 }]);
      });
    });

    describe('subscriptions', () => {
      it('saves, gets and finds by email + query and by token', async () => {
        const sub = makeSubscription({ id: 'sub-1', query: 'sector:nuclear-energy', status: 'pending' });
        await index.saveSubscription(sub);
        expect(await index.getSubscription('sub-1')).toEqual(sub);
        expect(await index.getSubscription('nope')).toBeNull();
        expect(await index.findSubscriptionByEmailAndQuery(sub.email, sub.query)).toEqual(sub);
        expect(await index.findSubscriptionByEmailAndQuery(sub.email, 'sector:semiconductors')).toBeNull();
        expect(await index.findSubscriptionByToken('confirm', sub.confirmToken)).toEqual(sub);
        expect(await index.findSubscriptionByToken('unsubscribe', sub.unsubscribeToken)).toEqual(sub);
        expect(await index.findSubscriptionByToken('unsubscribe', sub.confirmToken)).toBeNull();
        expect(await index.findSubscriptionByToken('confirm', 'nope')).toBeNull();

        const confirmed = { ...sub, status: 'confirmed' as const, confirmedAt: '2026-01-02T00:00:00.000Z' };
        await index.saveSubscription(confirmed);
        expect(await index.getSubscription('sub-1')).toEqual(confirmed);
      });

      it('only confirmed subscriptions match', async () => {
        const doc = corpusDoc('nrc-spent-fuel');
        const sub = makeSubscription({ id: 'sub-1', query: 'reactor', status: 'pending' });
        await index.saveSubscription(sub);
        expect(await index.matchSubscriptions(doc)).toEqual([]);
        await index.saveSubscription({ ...sub, status: 'confirmed' });
        expect((await index.matchSubscriptions(doc)).map((s) => s.id)).toEqual(['sub-1']);
        await index.saveSubscription({ ...sub, status: 'unsubscribed' });
        expect(await index.matchSubscriptions(doc)).toEqual([]);
      });

      it('a changed query takes effect; the empty query matches everything; bad queries never match', async () => {
        const doc = corpusDoc('nrc-spent-fuel');
        await index.saveSubscription(makeSubscription({ id: 'a', query: 'reactor' }));
        await index.saveSubscription(makeSubscription({ id: 'b', query: '' }));
        await index.saveSubscription(makeSubscription({ id: 'c', query: '(reactor OR' }));
        await index.saveSubscription(makeSubscription({ id: 'd', query: '"unclosed phrase' }));
        expect(sorted((await index.matchSubscriptions(doc)).map((s) => s.id))).toEqual(['a', 'b']);
        await index.saveSubscription(makeSubscription({ id: 'a', query: 'shipyard' }));
        expect((await index.matchSubscriptions(doc)).map((s) => s.id)).toEqual(['b']);
        expect(sorted((await index.matchSubscriptions(corpusDoc('shipyard-news'))).map((s) => s.id))).toEqual([
          'a',
          'b',
        ]);
      });

      it('a confirmed subscription matches a document exactly when a search for the same query finds it', async () => {
        await seed(index);
        const queries = [
          '',
          'cybersecurity',
          'reactor',
          'reactors',
          'nuclear fuel',
          'spent fuel',
          '"spent fuel"',
          '"spent fuel"~3',
          '"spent fuel"~1',
          'semicond*',
          'cyber*',
          'cybersecurity -rural',
          'cybersecurity NOT rural',
          'semiconductor OR shipyard',
          '(semiconductor OR shipyard) -type:news',
          'reactor OR -sector:cybersecurity',
          'title:reactor',
          'body:reactor',
          'quebec',
          'Québec',
          'DOE',
          'sector:nuclear-energy',
          'sector:cybersecurity AND priority:high',
          'area:supply-chain',
          'goal:protect-supply-chains',
          'type:guidance',
          'source:federal-register',
          'event:comment_period',
          'published:>=2026-01-01',
          'published:<2026-01-01',
          'reactor published:>=2026-02-01',
          'NOT cybersecurity',
          'guidance OR funding',
          'comments AND (cybersecurity OR cranes)',
          'fuel -spent',
        ];
        for (const [i, query] of queries.entries()) {
          await index.saveSubscription(makeSubscription({ id: `s${String(i).padStart(2, '0')}`, query }));
        }
        const matchedBy = new Map<string, Set<string>>();
        for (const doc of CORPUS) {
          for (const sub of await index.matchSubscriptions(doc)) {
            const set = matchedBy.get(sub.id) ?? new Set<string>();
            set.add(doc.id);
            matchedBy.set(sub.id, set);
          }
        }
        const mismatches: string[] = [];
        let nonEmpty = 0;
        for (const [i, query] of queries.entries()) {
          const found = await find(q(query));
          const matched = sorted([...(matchedBy.get(`s${String(i).padStart(2, '0')}`) ?? [])]);
          if (found.length > 0) nonEmpty++;
          if (JSON.stringify(found) !== JSON.stringify(matched)) {
            mismatches.push(
              `${JSON.stringify(query)}: search ${JSON.stringify(found)} vs match ${JSON.stringify(matched)}`,
            );
          }
        }
        expect(mismatches).toEqual([]);
        expect(nonEmpty).toBeGreaterThan(queries.length - 3);
      });
    });

    describe('alerts', () => {
      it('upsert creates, then keeps createdAt and state, and reports unchanged', async () => {
        const alert = makeAlert({ id: 'al-1', createdAt: '2026-01-10T00:00:00.000Z', subSectors: ['nuclear-energy'] });
        expect(await index.upsertAlert(alert)).toBe('created');
        expect(await index.getAlert('al-1')).toEqual(alert);
        expect(await index.upsertAlert(alert)).toBe('unchanged');
        // Only updatedAt differs: nothing to say.
        expect(await index.upsertAlert({ ...alert, updatedAt: '2026-01-11T00:00:00.000Z' })).toBe('unchanged');
        expect(await index.getAlert('al-1')).toEqual(alert);

        const changed = {
          ...alert,
          title: 'NRC amends the spent fuel rule',
          documentVersion: 2,
          createdAt: '2026-01-12T00:00:00.000Z',
          updatedAt: '2026-01-12T00:00:00.000Z',
          state: 'dismissed' as const,
        };
        expect(await index.upsertAlert(changed)).toBe('updated');
        expect(await index.getAlert('al-1')).toEqual({
          ...changed,
          createdAt: alert.createdAt,
          state: alert.state,
        });
        expect(await index.getAlert('nope')).toBeNull();
      });

      describe('listing', () => {
        const alerts = [
          makeAlert({
            id: 'a1',
            createdAt: '2026-01-01T00:00:00.000Z',
            subSectors: ['nuclear-energy'],
            priority: 'high',
            docType: 'rule',
            state: 'new',
          }),
          makeAlert({
            id: 'a2',
            createdAt: '2026-01-02T00:00:00.000Z',
            subSectors: ['semiconductors'],
            focusAreas: ['trade'],
            priority: 'medium',
            docType: 'guidance',
            state: 'reviewed',
          }),
          makeAlert({
            id: 'a3',
            createdAt: '2026-01-03T00:00:00.000Z',
            subSectors: ['cybersecurity', 'grid-resilience'],
            advocacyGoals: ['increase-federal-investment'],
            priority: 'high',
            docType: 'bill',
            state: 'new',
          }),
          makeAlert({
            id: 'a4',
            createdAt: '2026-01-03T00:00:00.000Z',
            subSectors: ['cybersecurity'],
            focusAreas: ['regulation'],
            priority: 'low',
            docType: 'notice',
            state: 'acted',
          }),
          makeAlert({
            id: 'a5',
            createdAt: '2026-01-05T00:00:00.000Z',
            subSectors: ['nuclear-energy'],
            focusAreas: ['funding'],
            advocacyGoals: ['increase-federal-investment'],
            priority: 'medium',
            docType: 'funding',
            state: 'dismissed',
          }),
        ];
        const newestFirst = ['a5', 'a4', 'a3', 'a2', 'a1'];

        beforeEach(async () => {
          for (const a of alerts) await index.upsertAlert(a);
        });

        const list = async (filter: Parameters<SearchIndex['listAlerts']>[0]): Promise<string[]> =>
          (await index.listAlerts(filter)).alerts.map((a) => a.id);

        it('query: alerts whose document matches (words, agency), paged, a missing document never matches', async () => {
          await index.upsertDocuments([corpusDoc('nrc-spent-fuel'), corpusDoc('doe-smr-funding')]);
          const nrc = makeAlert({ id: 'q1', documentId: 'nrc-spent-fuel', createdAt: '2026-02-01T00:00:00.000Z' });
          const doe = makeAlert({ id: 'q2', documentId: 'doe-smr-funding', createdAt: '2026-02-02T00:00:00.000Z' });
          const doe2 = makeAlert({ id: 'q3', documentId: 'doe-smr-funding', createdAt: '2026-02-03T00:00:00.000Z' });
          for (const a of [nrc, doe, doe2]) await index.upsertAlert(a);
          expect(await list({ query: parseQuery('reactor') })).toEqual(['q3', 'q2', 'q1']);
          expect(await list({ query: parseQuery('agency:"Nuclear Regulatory Commission"') })).toEqual(['q1']);
          expect(
            await list({ query: parseQuery('reactor -agency:"Nuclear Regulatory Commission"'), priority: 'medium' }),
          ).toEqual(['q3', 'q2']);
          // The a1..a5 alerts have no stored document: no query matches them.
          expect(await list({ query: parseQuery('alert') })).toEqual([]);
          const first = await index.listAlerts({ query: parseQuery('reactor'), limit: 2 });
          expect(first.alerts.map((a) => a.id)).toEqual(['q3', 'q2']);
          const second = await index.listAlerts({ query: parseQuery('reactor'), limit: 2, cursor: first.nextCursor });
          expect(second.alerts.map((a) => a.id)).toEqual(['q1']);
          expect(second.nextCursor).toBeUndefined();
        });

        it('newest first, ties by id descending', async () => {
          expect(await list({})).toEqual(newestFirst);
        });

        it('filters', async () => {
          expect(await list({ sector: 'cybersecurity' })).toEqual(['a4', 'a3']);
          expect(await list({ area: 'trade' })).toEqual(['a2']);
          expect(await list({ goal: 'increase-federal-investment' })).toEqual(['a5', 'a3']);
          expect(await list({ priority: 'high' })).toEqual(['a3', 'a1']);
          expect(await list({ type: 'guidance' })).toEqual(['a2']);
          expect(await list({ state: 'new' })).toEqual(['a3', 'a1']);
          expect(await list({ since: '2026-01-03T00:00:00.000Z' })).toEqual(['a5', 'a4', 'a3']);
          expect(await list({ sector: 'nuclear-energy', priority: 'medium' })).toEqual(['a5']);
          expect(await list({ sector: 'space' })).toEqual([]);
        });

        it('cursor pages cover every alert exactly once', async () => {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await index.listAlerts({ limit: 2, ...(cursor ? { cursor } : {}) });
            expect(page.alerts.length).toBeLessThanOrEqual(2);
            seen.push(...page.alerts.map((a) => a.id));
            cursor = page.nextCursor;
          } while (cursor !== undefined);
          expect(seen).toEqual(newestFirst);
        });

        it('a filtered cursor stays within the filter', async () => {
          const first = await index.listAlerts({ sector: 'cybersecurity', limit: 1 });
          expect(first.alerts.map((a) => a.id)).toEqual(['a4']);
          const second = await index.listAlerts({ sector: 'cybersecurity', limit: 1, cursor: first.nextCursor });
          expect(second.alerts.map((a) => a.id)).toEqual(['a3']);
          expect(second.nextCursor).toBeUndefined();
        });

        it('an updated alert keeps its place and its state', async () => {
          await index.upsertAlert({
            ...alerts[0],
            title: 'Updated',
            createdAt: '2026-02-01T00:00:00.000Z',
            state: 'acted',
          });
          expect(await list({})).toEqual(newestFirst);
          expect(await list({ state: 'new' })).toEqual(['a3', 'a1']);
          expect((await index.getAlert('a1'))?.title).toBe('Updated');
        });
      });
    });

    describe('bulk upsert', () => {
      it('reports one outcome per document in order, and is idempotent', async () => {
        const first = await index.upsertDocuments(CORPUS);
        expect(first).toEqual(CORPUS.map((d) => ({ id: d.id, outcome: 'created' })));
        expect(await index.count()).toBe(CORPUS.length);
        expect(await find(term('cask'))).toEqual(['nrc-spent-fuel']);
        expect(await find(kw('sector', 'nuclear-energy'))).toEqual(sorted(['nrc-spent-fuel', 'doe-smr-funding']));

        const again = await index.upsertDocuments(CORPUS);
        expect(again).toEqual(CORPUS.map((d) => ({ id: d.id, outcome: 'unchanged' })));
        expect(await index.count()).toBe(CORPUS.length);

        const changed = {
          ...corpusDoc('shipyard-news'),
          body: 'Dredging resumed.',
          contentHash: 'hash-v2',
          version: 2,
        };
        const fresh = makeDoc({ id: 'new-one', title: 'Dredging', summary: '', body: '', publishedAt: '2026-03-01' });
        expect(await index.upsertDocuments([corpusDoc('nrc-spent-fuel'), changed, fresh])).toEqual([
          { id: 'nrc-spent-fuel', outcome: 'unchanged' },
          { id: 'shipyard-news', outcome: 'updated' },
          { id: 'new-one', outcome: 'created' },
        ]);
        expect(await find(term('dredging'))).toEqual(sorted(['new-one', 'shipyard-news']));
        expect(await index.getDocument('shipyard-news')).toEqual(changed);
        expect(await index.upsertDocuments([])).toEqual([]);
      });

      it('a repeated id in one batch is judged against its earlier copy', async () => {
        const doc = corpusDoc('nrc-spent-fuel');
        const v2 = { ...doc, title: 'Amended spent fuel rule', contentHash: 'hash-v2', version: 2 };
        expect(await index.upsertDocuments([doc, doc, v2])).toEqual([
          { id: doc.id, outcome: 'created' },
          { id: doc.id, outcome: 'unchanged' },
          { id: doc.id, outcome: 'updated' },
        ]);
        expect(await index.getDocument(doc.id)).toEqual(v2);
        expect(await index.count()).toBe(1);
      });
    });

    describe('streaming and reindex', () => {
      it('streamDocuments yields every document exactly once, in batches', async () => {
        const extra = Array.from({ length: 23 }, (_, i) =>
          makeDoc({
            id: `extra-${String(i).padStart(2, '0')}`,
            title: `Extra ${i}`,
            summary: 'Filler.',
            body: 'Filler.',
            publishedAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
          }),
        );
        await seed(index, [...CORPUS, ...extra]);
        const seen: RadarDocument[] = [];
        for await (const batch of index.streamDocuments(7)) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(7);
          seen.push(...batch);
        }
        expect(sorted(seen.map((d) => d.id))).toEqual(sorted([...CORPUS, ...extra].map((d) => d.id)));
        expect(seen.find((d) => d.id === 'nrc-spent-fuel')).toEqual(corpusDoc('nrc-spent-fuel'));
        const defaults: string[] = [];
        for await (const batch of index.streamDocuments()) defaults.push(...batch.map((d) => d.id));
        expect(defaults).toHaveLength(CORPUS.length + extra.length);
      });

      it('streams nothing from an empty index', async () => {
        for await (const batch of index.streamDocuments()) expect(batch).toEqual([]);
      });

      it('reindex keeps every document searchable', async () => {
        await seed(index);
        expect(await index.reindex()).toBe(CORPUS.length);
        expect(await index.count()).toBe(CORPUS.length);
        expect(await find(phrase('spent fuel'))).toEqual(['nrc-spent-fuel']);
        expect(await find(kw('sector', 'cybersecurity'))).toEqual(
          sorted(['grid-cyber-bill', 'epa-water-notice', 'port-cyber-rule']),
        );
        expect(await index.upsertDocument(corpusDoc('nrc-spent-fuel'))).toBe('unchanged');
        expect(await index.getDocument('minerals-eo')).toEqual(corpusDoc('minerals-eo'));
      });
    });

    describe('date histogram', () => {
      const tide = (id: string, publishedAt: string): RadarDocument =>
        makeDoc({ id, title: `Tide gauge report ${id}`, summary: 'Water levels.', body: 'Readings.', publishedAt });
      const tideDocs = [
        tide('tz-a', '2026-03-01T03:00:00.000Z'), // New York: Feb 28 (EST)
        tide('tz-c', '2026-03-01T12:00:00.000Z'),
        tide('tz-b', '2026-03-09T04:30:00.000Z'), // New York: Mar 9 00:30 (EDT since Mar 8)
        tide('tz-undated', 'not a date'),
      ];
      const histogram = async (
        query: QueryNode,
        interval: 'day' | 'week' | 'month',
        timeZone?: string,
      ): Promise<[string, number][]> => {
        const res = await index.search({
          query,
          limit: 1,
          histogram: timeZone === undefined ? { interval } : { interval, timeZone },
        });
        return (res.histogram ?? []).map((b) => [b.key, b.count]);
      };

      it('no histogram unless asked; empty when nothing matches', async () => {
        await seed(index);
        expect((await index.search({ query: ALL })).histogram).toBeUndefined();
        expect(await histogram(term('zeppelin'), 'day')).toEqual([]);
      });

      it('month buckets over the corpus (UTC by default), following the query', async () => {
        await seed(index);
        expect(await histogram(ALL, 'month')).toEqual([
          ['2025-10-01', 1],
          ['2025-11-01', 1],
          ['2025-12-01', 1],
          ['2026-01-01', 3],
          ['2026-02-01', 4],
        ]);
        expect(await histogram(term('cybersecurity'), 'month')).toEqual([
          ['2025-11-01', 1],
          ['2025-12-01', 0],
          ['2026-01-01', 1],
          ['2026-02-01', 2],
        ]);
      });

      it('day buckets fill gaps with zero; undated documents are not counted', async () => {
        await seed(index, tideDocs);
        const utc = await histogram(term('tide'), 'day', 'UTC');
        expect(utc[0]).toEqual(['2026-03-01', 2]);
        expect(utc[utc.length - 1]).toEqual(['2026-03-09', 1]);
        expect(utc).toHaveLength(9);
        expect(utc.slice(1, -1).every(([, n]) => n === 0)).toBe(true);
        expect(await histogram(term('tide'), 'day')).toEqual(utc);
      });

      it('buckets follow the calendar of a non-UTC time zone, across a DST change', async () => {
        await seed(index, tideDocs);
        const ny = await histogram(term('tide'), 'day', 'America/New_York');
        expect(ny[0]).toEqual(['2026-02-28', 1]);
        expect(ny[1]).toEqual(['2026-03-01', 1]);
        expect(ny[ny.length - 1]).toEqual(['2026-03-09', 1]);
        expect(ny).toHaveLength(10);
        expect(await histogram(term('tide'), 'week', 'America/New_York')).toEqual([
          ['2026-02-23', 2],
          ['2026-03-02', 0],
          ['2026-03-09', 1],
        ]);
        expect(await histogram(term('tide'), 'month', 'America/New_York')).toEqual([
          ['2026-02-01', 1],
          ['2026-03-01', 2],
        ]);
        expect(await histogram(term('tide'), 'month', 'UTC')).toEqual([['2026-03-01', 3]]);
      });

      it('a half-hour zone places a late-evening UTC document on the next local day', async () => {
        await seed(index, [tide('tz-d', '2026-03-01T19:00:00.000Z')]);
        expect(await histogram(term('tide'), 'day', 'Asia/Kolkata')).toEqual([['2026-03-02', 1]]);
        expect(await histogram(term('tide'), 'day', 'UTC')).toEqual([['2026-03-01', 1]]);
      });

      it('an unknown time zone is an InvalidSearchRequestError', async () => {
        await seed(index, tideDocs);
        await expect(
          index.search({ query: ALL, histogram: { interval: 'day', timeZone: 'Mars/Olympus_Mons' } }),
        ).rejects.toBeInstanceOf(InvalidSearchRequestError);
      });
    });

    describe('subscription management', () => {
      it('deletes a subscription: gone, no longer matches, second delete is false', async () => {
        await index.saveSubscription(makeSubscription({ id: 'sub-1', query: 'reactor' }));
        await index.saveSubscription(makeSubscription({ id: 'sub-2', query: 'reactor' }));
        const doc = corpusDoc('nrc-spent-fuel');
        expect((await index.matchSubscriptions(doc)).map((s) => s.id)).toEqual(['sub-1', 'sub-2']);
        expect(await index.deleteSubscription('sub-1')).toBe(true);
        expect(await index.getSubscription('sub-1')).toBeNull();
        expect((await index.matchSubscriptions(doc)).map((s) => s.id)).toEqual(['sub-2']);
        expect(await index.deleteSubscription('sub-1')).toBe(false);
        expect(await index.deleteSubscription('nope')).toBe(false);
      });

      it('lists by email and status, oldest first', async () => {
        const subs = [
          makeSubscription({ id: 's-b', query: 'a', email: 'x@example.com', createdAt: '2026-01-02T00:00:00.000Z' }),
          makeSubscription({ id: 's-a', query: 'b', email: 'x@example.com', createdAt: '2026-01-02T00:00:00.000Z' }),
          makeSubscription({
            id: 's-c',
            query: 'c',
            email: 'x@example.com',
            status: 'pending',
            createdAt: '2026-01-01T00:00:00.000Z',
          }),
          makeSubscription({ id: 's-d', query: 'd', email: 'y@example.com', status: 'unsubscribed' }),
        ];
        for (const sub of subs) await index.saveSubscription(sub);
        const ids = async (filter?: Parameters<SearchIndex['listSubscriptions']>[0]): Promise<string[]> =>
          (await index.listSubscriptions(filter)).map((s) => s.id);
        expect(await ids()).toEqual(['s-c', 's-d', 's-a', 's-b']);
        expect(await ids({ email: 'x@example.com' })).toEqual(['s-c', 's-a', 's-b']);
        expect(await ids({ status: 'confirmed' })).toEqual(['s-a', 's-b']);
        expect(await ids({ email: 'y@example.com', status: 'unsubscribed' })).toEqual(['s-d']);
        expect(await ids({ email: 'nobody@example.com' })).toEqual([]);
        expect((await index.listSubscriptions({ email: 'y@example.com' }))[0]).toEqual(subs[3]);
      });
    });

    describe('alert triage', () => {
      it('setAlertState changes the state, stamps who and when, and survives later upserts', async () => {
        const alert = makeAlert({ id: 'al-1', createdAt: '2026-01-10T00:00:00.000Z', subSectors: ['nuclear-energy'] });
        await index.upsertAlert(alert);
        await index.upsertAlert(makeAlert({ id: 'al-2', createdAt: '2026-01-11T00:00:00.000Z' }));
        const before = Date.now();
        const updated = await index.setAlertState('al-1', 'reviewed', 'analyst@example.com');
        expect(updated).toMatchObject({ ...alert, state: 'reviewed', stateChangedBy: 'analyst@example.com' });
        const at = Date.parse(updated?.stateChangedAt ?? '');
        expect(at).toBeGreaterThanOrEqual(before - 1000);
        expect(at).toBeLessThanOrEqual(Date.now() + 1000);
        expect(await index.getAlert('al-1')).toEqual(updated);
        expect((await index.listAlerts({ state: 'reviewed' })).alerts.map((a) => a.id)).toEqual(['al-1']);
        expect((await index.listAlerts({ state: 'new' })).alerts.map((a) => a.id)).toEqual(['al-2']);

        // The pipeline re-upserting the alert keeps the triage.
        expect(await index.upsertAlert({ ...alert, title: 'Amended' })).toBe('updated');
        expect(await index.getAlert('al-1')).toEqual({ ...updated, title: 'Amended' });
        expect(await index.upsertAlert({ ...alert, title: 'Amended' })).toBe('unchanged');

        const dismissed = await index.setAlertState('al-1', 'dismissed');
        expect(dismissed?.state).toBe('dismissed');
        expect(dismissed?.stateChangedBy).toBeUndefined();
        expect(await index.getAlert('al-1')).toEqual(dismissed);
        expect(await index.setAlertState('nope', 'acted')).toBeNull();
      });
    });

    describe('version history', () => {
      const v1 = () => corpusDoc('port-cyber-rule');
      const next = (doc: RadarDocument, body: string, indexedAt: string): RadarDocument => ({
        ...doc,
        version: doc.version + 1,
        body,
        contentHash: `hash-${doc.version + 1}`,
        indexedAt,
        diff: { added: [body], removed: [doc.body] },
      });

      it('a new document has one version: itself; an unknown document has none', async () => {
        const doc = v1();
        await index.upsertDocument(doc);
        const versions = await index.listDocumentVersions(doc.id);
        expect(versions).toEqual([
          {
            version: 1,
            contentHash: doc.contentHash,
            title: doc.title,
            summary: doc.summary,
            body: doc.body,
            url: doc.url,
            indexedAt: doc.indexedAt,
            publishedAt: doc.publishedAt,
          },
        ]);
        expect(await index.listDocumentVersions('nope')).toEqual([]);
      });

      it('grows on a content change, newest first, each version with its text and diff', async () => {
        const doc = v1();
        const doc2 = next(doc, 'The Coast Guard extended the comment period.', '2026-02-01T00:00:00.000Z');
        const doc3 = next(doc2, 'The Coast Guard finalized the rule.', '2026-03-01T00:00:00.000Z');
        await index.upsertDocument(doc);
        expect(await index.upsertDocument(doc2)).toBe('updated');
        expect(await index.upsertDocuments([doc3])).toEqual([{ id: doc.id, outcome: 'updated' }]);
        const versions = await index.listDocumentVersions(doc.id);
        expect(versions.map((v) => [v.version, v.contentHash, v.body, v.indexedAt])).toEqual([
          [3, 'hash-3', doc3.body, doc3.indexedAt],
          [2, 'hash-2', doc2.body, doc2.indexedAt],
          [1, doc.contentHash, doc.body, doc.indexedAt],
        ]);
        expect(versions[0].diff).toEqual(doc3.diff);
        expect(versions[1].diff).toEqual(doc2.diff);
        expect(versions[2].diff).toBeUndefined();
        expect(versions[2].title).toBe(doc.title);
      });

      it('does not grow on an unchanged re-upsert or a forced re-tag; repeated ids in one bulk keep every change', async () => {
        const doc = v1();
        const doc2 = next(doc, 'Amended.', '2026-02-01T00:00:00.000Z');
        expect(await index.upsertDocuments([doc, doc, doc2])).toEqual([
          { id: doc.id, outcome: 'created' },
          { id: doc.id, outcome: 'unchanged' },
          { id: doc.id, outcome: 'updated' },
        ]);
        expect(await index.upsertDocument(doc2)).toBe('unchanged');
        const retagged = { ...doc2, priority: 'low' as const, indexedAt: '2026-04-01T00:00:00.000Z' };
        expect(await index.upsertDocument(retagged, { force: true })).toBe('updated');
        const versions = await index.listDocumentVersions(doc.id);
        expect(versions.map((v) => [v.version, v.body])).toEqual([
          [2, 'Amended.'],
          [1, doc.body],
        ]);
        expect(versions[0].indexedAt).toBe('2026-04-01T00:00:00.000Z');
      });

      it('is deleted with the document; a new document of the same id starts a fresh history', async () => {
        const doc = v1();
        await index.upsertDocument(doc);
        await index.upsertDocument(next(doc, 'Amended.', '2026-02-01T00:00:00.000Z'));
        expect(await index.deleteDocument(doc.id)).toBe(true);
        expect(await index.listDocumentVersions(doc.id)).toEqual([]);
        const again = { ...doc, body: 'Reissued.', contentHash: 'hash-reissued' };
        await index.upsertDocument(again);
        expect((await index.listDocumentVersions(doc.id)).map((v) => [v.version, v.body])).toEqual([[1, 'Reissued.']]);
      });

      it('getDocuments reads many documents at once, in input order, null where unknown', async () => {
        await seed(index);
        expect(await index.getDocuments([])).toEqual([]);
        expect(await index.getDocuments(['minerals-eo', 'nope', 'nrc-spent-fuel', 'minerals-eo'])).toEqual([
          corpusDoc('minerals-eo'),
          null,
          corpusDoc('nrc-spent-fuel'),
          corpusDoc('minerals-eo'),
        ]);
      });
    });

    describe('forced upsert (re-tagging)', () => {
      it('rewrites a document with the same content hash, and its new tags are searchable', async () => {
        const doc = corpusDoc('shipyard-news');
        await index.upsertDocument(doc);
        expect(await index.upsertDocument(doc)).toBe('unchanged');
        const retagged = {
          ...doc,
          subSectors: [{ id: 'robotics', score: 0.7, evidence: [] }],
          indexedAt: '2026-11-24T00:00:00.000Z',
        };
        expect(await index.upsertDocument(retagged, { force: true })).toBe('updated');
        expect((await index.getDocument(doc.id))!.subSectors.map((s) => s.id)).toEqual(['robotics']);
        expect(await find(kw('sector', 'robotics'))).toEqual([doc.id]);
        expect(await index.upsertDocuments([retagged], { force: true })).toEqual([{ id: doc.id, outcome: 'updated' }]);
      });
    });

    describe('feedback', () => {
      it('records feedback and lists it oldest first, by document or label', async () => {
        const entry = (id: string, documentId: string, label: string, createdAt: string) => ({
          id,
          documentId,
          kind: 'wrong_tag' as const,
          label,
          createdAt,
          by: 'analyst@example.org',
        });
        expect(await index.listFeedback({})).toEqual([]);
        const later = entry('f2', 'd1', 'solar', '2026-11-24T10:00:00.000Z');
        const earlier = entry('f1', 'd1', 'shipbuilding', '2026-11-24T09:00:00.000Z');
        const other = entry('f3', 'd2', 'solar', '2026-11-24T11:00:00.000Z');
        for (const f of [later, earlier, other]) await index.recordFeedback(f);
        expect(await index.listFeedback({})).toEqual([earlier, later, other]);
        expect(await index.listFeedback({ documentId: 'd1' })).toEqual([earlier, later]);
        expect(await index.listFeedback({ label: 'solar' })).toEqual([later, other]);
        expect(await index.listFeedback({ documentId: 'd2', label: 'shipbuilding' })).toEqual([]);
      });
    });

    describe('deliveries', () => {
      it('records once; a second record of the same id keeps the first', async () => {
        expect(await index.getDelivery('sub-1:alert-1')).toBeNull();
        const delivery = {
          id: 'sub-1:alert-1',
          subscriptionId: 'sub-1',
          email: 'analyst@example.com',
          subject: 'Policy Radar: NRC finalizes spent fuel rule',
          sentAt: '2026-01-15T15:00:00.000Z',
        };
        await index.recordDelivery(delivery);
        expect(await index.getDelivery(delivery.id)).toEqual(delivery);
        await index.recordDelivery({ ...delivery, subject: 'Second attempt', sentAt: '2026-01-15T16:00:00.000Z' });
        expect(await index.getDelivery(delivery.id)).toEqual(delivery);
      });
    });

    describe('API keys', () => {
      const key = {
        id: 'k-analyst-1',
        name: 'Analyst desk',
        role: 'analyst' as const,
        hash: 'a'.repeat(64),
        createdAt: '2026-01-15T15:00:00.000Z',
      };

      it('saves, finds by id and by hash, lists oldest first', async () => {
        expect(await index.getApiKey(key.id)).toBeNull();
        expect(await index.findApiKeyByHash(key.hash)).toBeNull();
        const admin = {
          ...key,
          id: 'k-admin-1',
          role: 'admin' as const,
          hash: 'b'.repeat(64),
          createdAt: '2026-01-14T00:00:00.000Z',
        };
        await index.saveApiKey(key);
        await index.saveApiKey(admin);
        expect(await index.getApiKey(key.id)).toEqual(key);
        expect(await index.findApiKeyByHash(admin.hash)).toEqual(admin);
        expect(await index.findApiKeyByHash('c'.repeat(64))).toBeNull();
        expect((await index.listApiKeys()).map((k) => k.id)).toEqual(['k-admin-1', 'k-analyst-1']);
      });

      it('revoking is saving with revokedAt; the record stays findable so the caller can refuse it', async () => {
        await index.saveApiKey(key);
        await index.saveApiKey({ ...key, revokedAt: '2026-01-16T00:00:00.000Z' });
        expect(await index.findApiKeyByHash(key.hash)).toEqual({ ...key, revokedAt: '2026-01-16T00:00:00.000Z' });
        expect(await index.listApiKeys()).toHaveLength(1);
      });
    });

    describe('webhook subscriptions', () => {
      it('are stored with their target and secret, and listed apart from email subscriptions', async () => {
        const hook = makeSubscription({
          id: 'wh-1',
          query: 'reactor',
          email: '',
          target: { kind: 'webhook', url: 'https://hooks.example.com/radar', format: 'slack' },
          webhookSecret: 's'.repeat(43),
          createdBy: 'policy-key',
        });
        await index.saveSubscription(makeSubscription({ id: 'em-1', query: 'reactor' }));
        await index.saveSubscription(hook);
        expect(await index.getSubscription('wh-1')).toEqual(hook);
        expect((await index.listSubscriptions({ channel: 'webhook' })).map((s) => s.id)).toEqual(['wh-1']);
        expect((await index.listSubscriptions({ channel: 'email' })).map((s) => s.id)).toEqual(['em-1']);
        expect((await index.matchSubscriptions(corpusDoc('nrc-spent-fuel'))).map((s) => s.id)).toEqual([
          'em-1',
          'wh-1',
        ]);
        const failed = {
          ...hook,
          status: 'bounced' as const,
          lastFailure: { at: 't', deliveryId: 'd', message: 'gone' },
        };
        await index.saveSubscription(failed);
        expect(await index.listSubscriptions({ channel: 'webhook', status: 'bounced' })).toEqual([failed]);
      });
    });

    describe('near-duplicate collapse', () => {
      it('claims free keys; a later claim sharing any key gets the first alert id and claims its own keys for it', async () => {
        expect(await index.claimAlertKeys('doc-a', ['doc:doc-a', 'url:agency.gov/rule', 'fr:2026-00123'])).toBe(
          'doc-a',
        );
        expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:other.gov/story', 'fr:2026-00123'])).toBe(
          'doc-a',
        );
        // doc-b's URL now belongs to doc-a's alert too.
        expect(await index.claimAlertKeys('doc-c', ['doc:doc-c', 'url:other.gov/story'])).toBe('doc-a');
        expect(await index.claimAlertKeys('doc-d', ['doc:doc-d', 'url:unrelated.gov/x'])).toBe('doc-d');
        // Claiming again is stable.
        expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:other.gov/story', 'fr:2026-00123'])).toBe(
          'doc-a',
        );
        expect(await index.claimAlertKeys('x', [])).toBe('x');
      });

      it("a document stays with the alert it joined, even when its new version's keys belong elsewhere", async () => {
        expect(await index.claimAlertKeys('doc-a', ['doc:doc-a', 'url:a.gov/1'])).toBe('doc-a');
        expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:b.gov/2'])).toBe('doc-b');
        expect(await index.claimAlertKeys('doc-b', ['doc:doc-b', 'url:a.gov/1', 'url:b.gov/3'])).toBe('doc-b');
        // The free key went to doc-b's alert; the taken one stayed doc-a's.
        expect(await index.claimAlertKeys('doc-e', ['doc:doc-e', 'url:b.gov/3'])).toBe('doc-b');
        expect(await index.claimAlertKeys('doc-f', ['doc:doc-f', 'url:a.gov/1'])).toBe('doc-a');
      });

      it('when keys point to several alerts, the earliest claim wins', async () => {
        await index.claimAlertKeys('first', ['doc:first', 'url:one.gov']);
        await index.claimAlertKeys('second', ['doc:second', 'url:two.gov']);
        expect(await index.claimAlertKeys('third', ['doc:third', 'url:two.gov', 'url:one.gov'])).toBe('first');
      });

      it('concurrent claims of overlapping keys agree on one alert', async () => {
        for (let round = 0; round < 5; round++) {
          const shared = `url:shared.gov/${round}`;
          const results = await Promise.all(
            ['p', 'q', 'r'].map((n) =>
              index.claimAlertKeys(`${n}${round}`, [`doc:${n}${round}`, `url:${n}.gov/${round}`, shared]),
            ),
          );
          expect(new Set(results).size).toBe(1);
        }
      });

      it('upsertAlert: a duplicate adds its source, keeps the content; the own document updates it', async () => {
        const source = (documentId: string, sourceId: string) => ({
          documentId,
          sourceId,
          sourceName: `Source ${sourceId}`,
          url: `https://${sourceId}.example.gov/${documentId}`,
          title: `Title from ${sourceId}`,
          addedAt: '2026-01-10T00:00:00.000Z',
        });
        const first = makeAlert({
          id: 'doc-a',
          createdAt: '2026-01-10T00:00:00.000Z',
          title: 'NRC final rule',
          sourceIds: ['fr-api'],
          sources: [source('doc-a', 'fr-api')],
        });
        expect(await index.upsertAlert(first)).toBe('created');
        const duplicate = makeAlert({
          id: 'doc-a',
          documentId: 'doc-b',
          createdAt: '2026-01-11T00:00:00.000Z',
          title: 'NRC finalizes rule (agency press release)',
          url: 'https://nrc.example.gov/press',
          priority: 'low',
          sourceIds: ['nrc-press'],
          sources: [{ ...source('doc-b', 'nrc-press'), addedAt: '2026-01-11T00:00:00.000Z' }],
        });
        expect(await index.upsertAlert(duplicate)).toBe('updated');
        const merged = await index.getAlert('doc-a');
        expect(merged).toMatchObject({
          documentId: 'doc-a',
          title: 'NRC final rule',
          priority: 'medium',
          createdAt: first.createdAt,
          sourceIds: ['fr-api', 'nrc-press'],
        });
        expect(merged?.sources?.map((s) => s.documentId)).toEqual(['doc-a', 'doc-b']);
        expect(await index.upsertAlert(duplicate)).toBe('unchanged');

        // The alert's own document changes: content follows it, both sources stay.
        const v2 = {
          ...first,
          documentVersion: 2,
          title: 'NRC final rule (corrected)',
          updatedAt: '2026-01-12T00:00:00.000Z',
        };
        expect(await index.upsertAlert(v2)).toBe('updated');
        const after = await index.getAlert('doc-a');
        expect(after).toMatchObject({ title: 'NRC final rule (corrected)', documentVersion: 2 });
        expect(after?.sources?.map((s) => s.documentId)).toEqual(['doc-a', 'doc-b']);
        expect(after?.sources?.[0]?.addedAt).toBe('2026-01-10T00:00:00.000Z');
        // A retried match of the older version does not roll it back.
        expect(await index.upsertAlert(first)).toBe('unchanged');
        expect((await index.getAlert('doc-a'))?.documentVersion).toBe(2);
      });

      it('upsertAlert: the named document outranks a duplicate that wrote first', async () => {
        const dup = makeAlert({
          id: 'doc-a',
          documentId: 'doc-b',
          createdAt: '2026-01-10T00:00:00.000Z',
          title: 'Dup',
        });
        const own = makeAlert({ id: 'doc-a', createdAt: '2026-01-10T00:00:01.000Z', title: 'Own' });
        expect(await index.upsertAlert(dup)).toBe('created');
        expect(await index.upsertAlert(own)).toBe('updated');
        expect(await index.getAlert('doc-a')).toMatchObject({
          documentId: 'doc-a',
          title: 'Own',
          createdAt: dup.createdAt,
        });
      });
    });
  });
}
