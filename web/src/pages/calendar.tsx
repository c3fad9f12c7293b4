import { getJson, query } from '../api';
import { ErrorMessage, label, Loading, PageTitle, PriorityBadge, useLoad, useNames } from '../common';
import { location, navigate } from '../router';
import { useStore } from '../store';
import type { Alert, AlertPage } from '../types';
import { AlertFeedLinks, AlertFilterForm, filtersFrom } from './alerts';

/** Alerts read for the calendar (newest first), as the iCalendar feed does. */
const MAX_ALERTS = 1000;
const PAGE = 100;

interface DatedEvent {
  date: string;
  kind: string;
  alert: Alert;
}

async function loadAlerts(filters: Record<string, string | undefined>, signal: AbortSignal): Promise<Alert[]> {
  const all: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson<AlertPage>(`/api/alerts${query({ ...filters, limit: PAGE, cursor })}`, { signal });
    all.push(...page.alerts);
    cursor = page.nextCursor;
  } while (cursor && all.length < MAX_ALERTS);
  return all;
}

function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const monthFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });

/** Dated policy events (comment deadlines, effective dates…) of the matching alerts, as an agenda by month. */
export function CalendarPage() {
  const loc = useStore(location);
  const filters = filtersFrom(loc.params);
  const past = loc.params.get('past') === '1';
  const names = useNames();
  const key = query(filters);
  const alerts = useLoad((signal) => loadAlerts(filters, signal), key);
  const today = localToday();

  const events: DatedEvent[] = [];
  if (alerts.state === 'done') {
    const seen = new Set<string>();
    for (const alert of alerts.data) {
      for (const e of alert.policyEvents) {
        if (!e.date || (!past && e.date < today)) continue;
        const id = `${alert.id}|${e.kind}|${e.date}`;
        if (seen.has(id)) continue;
        seen.add(id);
        events.push({ date: e.date, kind: e.kind, alert });
      }
    }
    events.sort((a, b) => a.date.localeCompare(b.date) || a.alert.title.localeCompare(b.alert.title));
  }
  const months = new Map<string, Map<string, DatedEvent[]>>();
  for (const e of events) {
    const month = e.date.slice(0, 7);
    const days = months.get(month) ?? new Map<string, DatedEvent[]>();
    days.set(e.date, [...(days.get(e.date) ?? []), e]);
    months.set(month, days);
  }

  return (
    <div class="calendar-page">
      <PageTitle title="Deadlines calendar">Deadlines calendar</PageTitle>
      <nav class="tabs" aria-label="Alert views">
        <a href={`/alerts${key}`}>Feed</a>
        <a href={`/alerts/calendar${key}`} aria-current="page">
          Deadlines calendar
        </a>
      </nav>
      <AlertFilterForm filters={filters} base="/alerts/calendar" />
      <div class="row small">
        <input
          id="past"
          type="checkbox"
          checked={past}
          onChange={(e) =>
            navigate(`/alerts/calendar${query({ ...filters, past: e.currentTarget.checked ? '1' : undefined })}`, {
              focus: false,
            })
          }
        />
        <label for="past">Include past dates</label>
      </div>
      <AlertFeedLinks filters={filters} />
      {alerts.state === 'loading' && <Loading what="dated events" />}
      {alerts.state === 'error' && <ErrorMessage message={alerts.message} />}
      {alerts.state === 'done' && (
        <section aria-labelledby="agenda-title">
          <h2 id="agenda-title">
            {events.length} dated event{events.length === 1 ? '' : 's'}
            {past ? '' : ' from today'}
          </h2>
          {events.length === 0 && <p>No comment deadlines, effective dates or other dated events.</p>}
          {[...months].map(([month, days]) => (
            <section key={month} class="month" aria-labelledby={`month-${month}`}>
              <h3 id={`month-${month}`}>{monthFormat.format(new Date(`${month}-01T12:00:00`))}</h3>
              <ol class="agenda">
                {[...days].map(([date, list]) => (
                  <li key={date} class={date < today ? 'day past' : date === today ? 'day today' : 'day'}>
                    <time dateTime={date} class="day-label">
                      {dayFormat.format(new Date(`${date}T12:00:00`))}
                      {date === today ? ' (today)' : ''}
                    </time>
                    <ul>
                      {list.map((e) => (
                        <li key={`${e.alert.id}-${e.kind}`}>
                          <strong>{label(e.kind)}</strong>:{' '}
                          <a href={`/documents/${encodeURIComponent(e.alert.documentId)}`}>{e.alert.title}</a>{' '}
                          <PriorityBadge priority={e.alert.priority} />
                          {e.alert.subSectors.length > 0 && (
                            <span class="muted small"> · {e.alert.subSectors.map(names.sector).join(', ')}</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ol>
            </section>
          ))}
        </section>
      )}
    </div>
  );
}
