import { useEffect, useRef, useState } from 'preact/hooks';
import { apiFetch, describeError, getJson, query } from '../api';
import {
  announce,
  ErrorMessage,
  FeedLinks,
  Highlighted,
  label,
  Loading,
  PageTitle,
  PriorityBadge,
  Tags,
  Time,
  useLoad,
  useNames,
  type Names,
} from '../common';
import { WeeklyHistogram } from '../histogram';
import { fieldClause, hasClause, toggleClause, withPublishedRange } from '../query-text';
import { location, navigate } from '../router';
import { useStore } from '../store';
import { FACET_NAMES, type FacetBucket, type FacetName, type SearchHit, type SearchResult } from '../types';

const PAGE_SIZE = 20;
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const FACET_TITLES: Record<FacetName, string> = {
  sector: 'Sub-sector',
  area: 'Focus area',
  goal: 'Advocacy goal',
  type: 'Document type',
  agency: 'Agency',
  source: 'Source',
  event: 'Policy event',
};

function facetValueName(names: Names, facet: FacetName, value: string): string {
  switch (facet) {
    case 'sector':
      return names.sector(value);
    case 'area':
      return names.area(value);
    case 'goal':
      return names.goal(value);
    case 'type':
    case 'event':
      return label(value);
    default:
      return value;
  }
}

const EXAMPLES: [string, string][] = [
  ['export controls', 'both words, anywhere'],
  ['"export controls"', 'the exact phrase'],
  ['"rare earth"~5', 'words within five of each other'],
  ['reactor OR fusion', 'either word'],
  ['uranium -weapons', 'without a word (also NOT weapons)'],
  ['(lithium OR cobalt) AND battery', 'grouping with parentheses'],
  ['semicond*', 'words starting with…'],
  ['sector:semiconductors', 'a sub-sector (also area:, goal:)'],
  ['type:proposed_rule', 'a document type'],
  ['agency:"Department of Energy"', 'an agency (also source:, event:, priority:)'],
  ['title:shipbuilding', 'a word in the title (also summary:, body:)'],
  ['published:>=2026-01-01', 'published on or after a date'],
  ['published:[2026-01-01 TO 2026-02-01]', 'published in a date range'],
  ['published:>now-7d', 'published in the last seven days'],
];

function SyntaxHelp({ onUse }: { onUse: (example: string) => void }) {
  return (
    <section id="syntax-help" class="panel" aria-labelledby="syntax-help-title">
      <h2 id="syntax-help-title">Query syntax</h2>
      <p>
        Adjacent words are ANDed. <code>AND</code>, <code>OR</code> and <code>NOT</code> are operators in capitals only.
        A malformed query says where the problem is.
      </p>
      <dl class="syntax">
        {EXAMPLES.map(([example, meaning]) => (
          <div key={example}>
            <dt>
              <button type="button" class="link code" onClick={() => onUse(example)}>
                {example}
              </button>
            </dt>
            <dd>{meaning}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Facets({
  facets,
  q,
  names,
  onQuery,
}: {
  facets: SearchResult['facets'];
  q: string;
  names: Names;
  onQuery: (next: string) => void;
}) {
  const groups = FACET_NAMES.map((name) => [name, facets[name] ?? []] as [FacetName, FacetBucket[]]).filter(
    ([, buckets]) => buckets.length > 0,
  );
  return (
    <aside class="facets" aria-labelledby="facets-title">
      <h2 id="facets-title">Refine</h2>
      {groups.length === 0 && <p class="muted">No facets for these results.</p>}
      {groups.map(([name, buckets]) => (
        <section key={name} aria-labelledby={`facet-${name}`}>
          <h3 id={`facet-${name}`}>{FACET_TITLES[name]}</h3>
          <ul>
            {buckets.map((b) => {
              const clause = fieldClause(name, b.value);
              const active = clause !== null && hasClause(q, clause);
              return (
                <li key={b.value}>
                  <button
                    type="button"
                    class="facet"
                    aria-pressed={active}
                    disabled={clause === null}
                    title={clause ? (active ? `Remove ${clause}` : `Add ${clause} to the query`) : undefined}
                    onClick={() => clause && onQuery(toggleClause(q, clause))}
                  >
                    <span>{facetValueName(names, name, b.value)}</span> <span class="count">({b.count})</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </aside>
  );
}

function Hit({ hit, names }: { hit: SearchHit; names: Names }) {
  const doc = hit.document;
  return (
    <li class="hit">
      <article aria-labelledby={`hit-${doc.id}`}>
        <h3 id={`hit-${doc.id}`}>
          <a href={`/documents/${encodeURIComponent(doc.id)}`}>{doc.title || '(untitled)'}</a>
        </h3>
        <p class="meta">
          {doc.sourceName} · <Time value={doc.publishedAt} /> · {label(doc.docType)}
          {doc.priority !== 'none' && (
            <>
              {' '}
              · <PriorityBadge priority={doc.priority} />
            </>
          )}
        </p>
        {hit.snippet && (
          <p class="snippet">
            <Highlighted html={hit.snippet} />
          </p>
        )}
        {doc.subSectors.length > 0 && (
          <Tags>
            {doc.subSectors.map((s) => (
              <li key={s.id} class="tag">
                {names.sector(s.id)}
              </li>
            ))}
          </Tags>
        )}
      </article>
    </li>
  );
}

async function download(q: string, format: 'csv' | 'jsonl'): Promise<void> {
  const res = await apiFetch(`/api/export${query({ q, format })}`);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `policy-radar-export.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function SearchPage() {
  const loc = useStore(location);
  const q = loc.params.get('q') ?? '';
  const sort =
    loc.params.get('sort') === 'date' || loc.params.get('sort') === 'relevance' ? loc.params.get('sort')! : '';
  const names = useNames();
  const [draft, setDraft] = useState(q);
  const [help, setHelp] = useState(false);
  const [more, setMore] = useState<{ hits: SearchHit[]; cursor?: string; loading: boolean; error?: string }>({
    hits: [],
    loading: false,
  });
  const [exportError, setExportError] = useState('');
  const firstNew = useRef<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => setDraft(q), [q]);

  const result = useLoad(
    (signal) =>
      getJson<SearchResult>(`/api/search${query({ q, sort, limit: PAGE_SIZE, histogram: 'week', tz: TIME_ZONE })}`, {
        signal,
      }),
    `${q}\n${sort}`,
  );

  useEffect(() => {
    setMore({ hits: [], cursor: undefined, loading: false });
    if (result.state === 'done') {
      const { total, totalIsLowerBound } = result.data;
      announce(`${totalIsLowerBound ? 'At least ' : ''}${total} document${total === 1 ? '' : 's'} found`);
    } else if (result.state === 'error') {
      announce(`Search failed: ${result.message}`);
    }
  }, [result]);

  useEffect(() => {
    if (firstNew.current === null) return;
    const links = document.querySelectorAll<HTMLAnchorElement>('.hits .hit h3 a');
    links[firstNew.current]?.focus();
    firstNew.current = null;
  }, [more.hits.length]);

  const runQuery = (next: string, nextSort = sort) => navigate(`/search${query({ q: next, sort: nextSort })}`);

  const loadMore = async (cursor: string, shown: number) => {
    setMore((m) => ({ ...m, loading: true, error: undefined }));
    try {
      const page = await getJson<SearchResult>(`/api/search${query({ q, sort, limit: PAGE_SIZE, cursor })}`);
      firstNew.current = shown;
      setMore((m) => ({ hits: [...m.hits, ...page.hits], cursor: page.nextCursor, loading: false }));
      announce(`${page.hits.length} more documents`);
    } catch (error) {
      setMore((m) => ({ ...m, loading: false, error: describeError(error) }));
    }
  };

  const data = result.state === 'done' ? result.data : null;
  const hits = data ? [...data.hits, ...more.hits] : [];
  const nextCursor = more.hits.length > 0 ? more.cursor : data?.nextCursor;

  return (
    <div class="search-page">
      <PageTitle title={q ? `Search: ${q}` : 'Search'}>Search</PageTitle>
      <form
        role="search"
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          runQuery(draft.trim());
        }}
      >
        <label for="q">Search documents</label>
        <div class="row">
          <input
            id="q"
            ref={input}
            type="search"
            name="q"
            value={draft}
            autoComplete="off"
            spellcheck={false}
            placeholder='e.g. "export controls" sector:semiconductors'
            aria-describedby="q-hint"
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
          <button type="submit">Search</button>
        </div>
        <div class="row small">
          <span id="q-hint" class="muted">
            Words, "phrases", AND/OR/NOT and fields such as sector: or published:.
          </span>
          <button
            type="button"
            class="link"
            aria-expanded={help}
            aria-controls="syntax-help"
            onClick={() => setHelp(!help)}
          >
            Syntax help
          </button>
          <label for="sort">Sort</label>
          <select id="sort" value={sort} onChange={(e) => runQuery(q, e.currentTarget.value)}>
            <option value="">Best first (newest with no words)</option>
            <option value="relevance">Relevance</option>
            <option value="date">Newest first</option>
          </select>
        </div>
      </form>
      {help && (
        <SyntaxHelp
          onUse={(example) => {
            setDraft(example);
            input.current?.focus();
          }}
        />
      )}
      <div class="search-layout">
        {data ? <Facets facets={data.facets} q={q} names={names} onQuery={runQuery} /> : <div />}
        <section class="results" aria-labelledby="results-title" aria-busy={result.state === 'loading'}>
          <h2 id="results-title" class="visually-hidden">
            Results
          </h2>
          {result.state === 'loading' && <Loading what="results" />}
          {result.state === 'error' && <ErrorMessage message={result.message} />}
          {data && (
            <>
              <p class="result-count">
                <strong>
                  {data.totalIsLowerBound ? 'At least ' : ''}
                  {data.total}
                </strong>{' '}
                document{data.total === 1 ? '' : 's'}
                {q ? (
                  <>
                    {' '}
                    for <code class="query">{q}</code>
                  </>
                ) : (
                  ', newest first'
                )}
                <span class="exports">
                  Export:{' '}
                  <button
                    type="button"
                    class="link"
                    onClick={() => download(q, 'csv').catch((e) => setExportError(describeError(e)))}
                  >
                    CSV
                  </button>{' '}
                  <button
                    type="button"
                    class="link"
                    onClick={() => download(q, 'jsonl').catch((e) => setExportError(describeError(e)))}
                  >
                    JSON Lines
                  </button>{' '}
                </span>
              </p>
              {exportError && <ErrorMessage message={exportError} />}
              <FeedLinks
                intro="Follow this search:"
                links={{
                  Atom: `/api/search.atom${query({ q })}`,
                  RSS: `/api/search.rss${query({ q })}`,
                  'JSON Feed': `/api/search.json${query({ q })}`,
                }}
              />
              {data.histogram && data.histogram.length > 0 && (
                <WeeklyHistogram
                  buckets={data.histogram}
                  onPick={(from, to) => runQuery(withPublishedRange(q, from, to))}
                />
              )}
              {hits.length === 0 ? (
                <p>No documents match. Try fewer words, or remove a filter.</p>
              ) : (
                <ol class="hits">
                  {hits.map((hit) => (
                    <Hit key={hit.document.id} hit={hit} names={names} />
                  ))}
                </ol>
              )}
              {more.error && <ErrorMessage message={more.error} />}
              {nextCursor && (
                <button
                  type="button"
                  class="more"
                  disabled={more.loading}
                  onClick={() => loadMore(nextCursor, hits.length)}
                >
                  {more.loading ? 'Loading…' : 'More results'}
                </button>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
