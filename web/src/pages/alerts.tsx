import { useEffect, useState } from 'preact/hooks';
import { apiFetch, describeError, getJson, query } from '../api';
import {
  announce,
  ErrorMessage,
  FeedLinks,
  label,
  Loading,
  PageTitle,
  PriorityBadge,
  Tags,
  Time,
  useLoad,
  useNames,
  useTaxonomy,
  type Names,
} from '../common';
import { location, navigate } from '../router';
import { useStore } from '../store';
import { ALERT_STATES, DOC_TYPES, type Alert, type AlertPage, type AlertState, type Taxonomy } from '../types';

const PAGE_SIZE = 50;
const TRIAGE_BY_STORAGE = 'radar.triageBy';
const PRIORITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2, none: 3 };

/**
 * The alert filters the API takes (GET /api/alerts and its feeds), in the order shown. One
 * entry per filter: a new API filter (e.g. agency, q) is one more line here.
 */
export const ALERT_FILTERS = [
  { name: 'q', title: 'Words or query', kind: 'text', options: () => undefined },
  { name: 'priority', title: 'Priority', kind: 'select', options: () => ['high', 'medium', 'low'] },
  { name: 'state', title: 'Triage state', kind: 'select', options: () => [...ALERT_STATES] },
  { name: 'sector', title: 'Sub-sector', kind: 'select', options: (t?: Taxonomy) => t?.subSectors.map((s) => s.id) },
  { name: 'area', title: 'Focus area', kind: 'select', options: (t?: Taxonomy) => t?.focusAreas.map((a) => a.id) },
  {
    name: 'goal',
    title: 'Advocacy goal',
    kind: 'select',
    options: (t?: Taxonomy) => t?.advocacyGoals.map((g) => g.id),
  },
  { name: 'type', title: 'Document type', kind: 'select', options: () => [...DOC_TYPES] },
  { name: 'agency', title: 'Agency', kind: 'text', options: () => undefined },
  { name: 'since', title: 'Raised since', kind: 'date', options: () => undefined },
] as const;

type FilterName = (typeof ALERT_FILTERS)[number]['name'];
export type AlertFilters = Partial<Record<FilterName, string>>;

export function filtersFrom(params: URLSearchParams): AlertFilters {
  const out: AlertFilters = {};
  for (const f of ALERT_FILTERS) {
    const v = params.get(f.name);
    if (v) out[f.name] = v;
  }
  return out;
}

function optionName(names: Names, filter: FilterName, value: string): string {
  if (filter === 'sector') return names.sector(value);
  if (filter === 'area') return names.area(value);
  if (filter === 'goal') return names.goal(value);
  return label(value);
}

/** The filter form: each change applies at once (the URL keeps it, so back and reload work). */
export function AlertFilterForm({ filters, base }: { filters: AlertFilters; base: string }) {
  const taxonomy = useTaxonomy();
  const names = useNames();
  const extra = base.endsWith('calendar') ? { past: location.value.params.get('past') ?? undefined } : {};
  const set = (name: FilterName, value: string) =>
    navigate(`${base}${query({ ...filters, ...extra, [name]: value })}`, { focus: false });
  return (
    <form class="filters" aria-label="Alert filters" onSubmit={(e) => e.preventDefault()}>
      {ALERT_FILTERS.map((f) => (
        <div class="field" key={f.name}>
          <label for={`filter-${f.name}`}>{f.title}</label>
          {f.kind === 'text' ? (
            <input
              id={`filter-${f.name}`}
              type="search"
              value={filters[f.name] ?? ''}
              onChange={(e) => set(f.name, e.currentTarget.value.trim())}
            />
          ) : f.kind === 'date' ? (
            <input
              id={`filter-${f.name}`}
              type="date"
              value={filters[f.name] ?? ''}
              onChange={(e) => set(f.name, e.currentTarget.value)}
            />
          ) : (
            <select
              id={`filter-${f.name}`}
              value={filters[f.name] ?? ''}
              onChange={(e) => set(f.name, e.currentTarget.value)}
            >
              <option value="">Any</option>
              {(f.options(taxonomy ?? undefined) ?? (filters[f.name] ? [filters[f.name]!] : [])).map((v) => (
                <option key={v} value={v}>
                  {optionName(names, f.name, v)}
                </option>
              ))}
            </select>
          )}
        </div>
      ))}
      {Object.keys(filters).length > 0 && (
        <button type="button" class="link" onClick={() => navigate(base, { focus: false })}>
          Clear filters
        </button>
      )}
    </form>
  );
}

export function AlertFeedLinks({ filters }: { filters: AlertFilters }) {
  const qs = query(filters);
  return (
    <FeedLinks
      intro="Follow these alerts:"
      links={{
        Atom: `/api/alerts.atom${qs}`,
        RSS: `/api/alerts.rss${qs}`,
        'JSON Feed': `/api/alerts.json${qs}`,
        'Calendar (iCalendar)': `/api/alerts.ics${qs}`,
      }}
    />
  );
}

const STATE_LABELS: Record<AlertState, string> = {
  new: 'New',
  reviewed: 'Reviewed',
  acted: 'Acted',
  dismissed: 'Dismissed',
};

function readTriageBy(): string {
  try {
    return localStorage.getItem(TRIAGE_BY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

function AlertItem({
  alert,
  names,
  onTriage,
  busy,
}: {
  alert: Alert;
  names: Names;
  onTriage: (alert: Alert, state: AlertState) => void;
  busy: boolean;
}) {
  const titleId = `alert-${alert.id}`;
  return (
    <li class={`alert state-${alert.state}`}>
      <article aria-labelledby={titleId}>
        <h3 id={titleId}>
          <a href={`/documents/${encodeURIComponent(alert.documentId)}`}>{alert.title || '(untitled)'}</a>
        </h3>
        <p class="meta">
          <PriorityBadge priority={alert.priority} /> · {label(alert.docType)} · published{' '}
          <Time value={alert.publishedAt} /> · <span class={`badge state`}>{STATE_LABELS[alert.state]}</span>
        </p>
        <p>{alert.reason}</p>
        {alert.subSectors.length > 0 && (
          <Tags>
            {alert.subSectors.map((s) => (
              <li key={s} class="tag">
                {names.sector(s)}
              </li>
            ))}
          </Tags>
        )}
        {alert.policyEvents.some((e) => e.date) && (
          <p class="events">
            {alert.policyEvents
              .filter((e) => e.date)
              .map((e, i) => (
                <span key={i} class="event">
                  {label(e.kind)}: <Time value={e.date} />
                </span>
              ))}
          </p>
        )}
        <div class="triage" role="group" aria-label={`Triage: ${alert.title}`}>
          <span class="muted small" aria-hidden="true">
            State:
          </span>
          {ALERT_STATES.map((state) => (
            <button
              key={state}
              type="button"
              class="triage-button"
              aria-pressed={alert.state === state}
              aria-disabled={busy}
              onClick={() => !busy && alert.state !== state && onTriage(alert, state)}
            >
              {STATE_LABELS[state]}
            </button>
          ))}
          {alert.stateChangedAt && (
            <span class="muted small">
              {STATE_LABELS[alert.state]} <Time value={alert.stateChangedAt} withTime />
              {alert.stateChangedBy ? ` by ${alert.stateChangedBy}` : ''}
            </span>
          )}
        </div>
      </article>
    </li>
  );
}

export function AlertsPage() {
  const loc = useStore(location);
  const filters = filtersFrom(loc.params);
  const order = loc.params.get('order') === 'newest' ? 'newest' : 'priority';
  const names = useNames();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [by, setBy] = useState(readTriageBy);
  const key = query(filters);

  const first = useLoad(
    (signal) => getJson<AlertPage>(`/api/alerts${query({ ...filters, limit: PAGE_SIZE })}`, { signal }),
    key,
  );
  useEffect(() => {
    if (first.state !== 'done') return;
    setAlerts(first.data.alerts);
    setCursor(first.data.nextCursor);
    announce(`${first.data.alerts.length}${first.data.nextCursor ? '+' : ''} alerts`);
  }, [first]);

  const loadMore = async () => {
    if (!cursor) return;
    setBusy('more');
    try {
      const page = await getJson<AlertPage>(`/api/alerts${query({ ...filters, limit: PAGE_SIZE, cursor })}`);
      setAlerts((list) => [...list, ...page.alerts.filter((a) => !list.some((b) => b.id === a.id))]);
      setCursor(page.nextCursor);
      announce(`${page.alerts.length} more alerts`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };

  const triage = async (alert: Alert, state: AlertState) => {
    setBusy(alert.id);
    setError('');
    try {
      const res = await apiFetch(`/api/alerts/${encodeURIComponent(alert.id)}`, {
        method: 'PATCH',
        body: by.trim() ? { state, by: by.trim() } : { state },
      });
      const updated = (await res.json()) as Alert;
      setAlerts((list) => list.map((a) => (a.id === updated.id ? updated : a)));
      announce(`${STATE_LABELS[state]}: ${alert.title}`);
    } catch (e) {
      const message = describeError(e);
      setError(`Could not triage “${alert.title}”: ${message}`);
      announce(`Triage failed: ${message}`);
    } finally {
      setBusy(null);
    }
  };

  const sorted = [...alerts].sort((a, b) =>
    order === 'priority'
      ? (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9) ||
        b.publishedAt.localeCompare(a.publishedAt)
      : b.publishedAt.localeCompare(a.publishedAt),
  );

  return (
    <div class="alerts-page">
      <PageTitle title="Alert desk">Alert desk</PageTitle>
      <nav class="tabs" aria-label="Alert views">
        <a href={`/alerts${key}`} aria-current="page">
          Feed
        </a>
        <a href={`/alerts/calendar${key}`}>Deadlines calendar</a>
      </nav>
      <AlertFilterForm filters={filters} base="/alerts" />
      <div class="row small">
        <label for="order">Order</label>
        <select
          id="order"
          value={order}
          onChange={(e) =>
            navigate(
              `/alerts${query({ ...filters, order: e.currentTarget.value === 'newest' ? 'newest' : undefined })}`,
              {
                focus: false,
              },
            )
          }
        >
          <option value="priority">Priority, then newest</option>
          <option value="newest">Newest first</option>
        </select>
        <label for="triage-by">Triage as</label>
        <input
          id="triage-by"
          type="text"
          autoComplete="email"
          class="wide"
          placeholder="your name or email (optional)"
          value={by}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setBy(value);
            try {
              localStorage.setItem(TRIAGE_BY_STORAGE, value);
            } catch {
              // Not kept.
            }
          }}
        />
      </div>
      <AlertFeedLinks filters={filters} />
      {error && <ErrorMessage message={error} />}
      {first.state === 'loading' && <Loading what="alerts" />}
      {first.state === 'error' && <ErrorMessage message={first.message} />}
      {first.state === 'done' && (
        <section aria-labelledby="alerts-title">
          <h2 id="alerts-title">
            {sorted.length}
            {cursor ? '+' : ''} alert{sorted.length === 1 ? '' : 's'}
            {order === 'priority' ? ', highest priority first' : ', newest first'}
          </h2>
          {sorted.length === 0 ? (
            <p>No alerts match these filters.</p>
          ) : (
            <ol class="alert-list">
              {sorted.map((a) => (
                <AlertItem key={a.id} alert={a} names={names} onTriage={triage} busy={busy === a.id} />
              ))}
            </ol>
          )}
          {cursor && (
            <button type="button" class="more" disabled={busy === 'more'} onClick={loadMore}>
              {busy === 'more' ? 'Loading…' : 'More alerts'}
            </button>
          )}
        </section>
      )}
    </div>
  );
}
