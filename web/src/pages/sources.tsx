import { getJson } from '../api';
import { ErrorMessage, Linkified, Loading, PageTitle, Time, useLoad } from '../common';
import { location, navigate } from '../router';
import { useStore } from '../store';
import type { OutboxEntry, SourcesResponse, SourceStatus } from '../types';

const STATUSES: SourceStatus[] = ['broken', 'stale', 'pending', 'ok', 'disabled'];
const STATUS_RANK = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<SourceStatus, number>;

function duration(seconds: number | undefined): string {
  if (!seconds) return '—';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

/** Every source's health, worst first; filter by status. */
export function SourcesPage() {
  const loc = useStore(location);
  const status = loc.params.get('status') as SourceStatus | null;
  const loaded = useLoad((signal) => getJson<SourcesResponse>('/api/sources', { signal }), 'sources');
  return (
    <div class="sources-page">
      <PageTitle title="Sources">Sources</PageTitle>
      {loaded.state === 'loading' && <Loading what="sources" />}
      {loaded.state === 'error' && <ErrorMessage message={loaded.message} />}
      {loaded.state === 'done' && (
        <>
          <div class="status-filter" role="group" aria-label="Show sources by status">
            <button type="button" aria-pressed={!status} onClick={() => navigate('/sources', { focus: false })}>
              All ({loaded.data.sources.length})
            </button>
            {STATUSES.map((s) => (
              <button
                key={s}
                type="button"
                class={`status-${s}`}
                aria-pressed={status === s}
                onClick={() => navigate(`/sources?status=${s}`, { focus: false })}
              >
                {s} ({loaded.data.counts[s] ?? 0})
              </button>
            ))}
          </div>
          <div class="table-wrap" tabIndex={0} role="region" aria-label="Source health table (scrolls sideways)">
            <table class="sources">
              <caption>
                {status ? `Sources that are ${status}` : 'All sources'}, worst first. Times in your time zone.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Status</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Last success</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Failures in a row</th>
                  <th scope="col">Items seen</th>
                  <th scope="col">Checked every</th>
                  <th scope="col">Next check</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.sources
                  .filter((s) => !status || s.status === status)
                  .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name))
                  .map((s) => (
                    <tr key={s.id}>
                      <th scope="row">
                        <a href={s.url} rel="noopener noreferrer">
                          {s.name}
                        </a>
                        <div class="muted small mono">{s.id}</div>
                      </th>
                      <td>
                        <span class={`badge status-${s.status}`}>{s.status}</span>
                        {s.reason && <div class="small">{s.reason}</div>}
                      </td>
                      <td>{s.kind}</td>
                      <td>
                        <Time value={s.lastSuccessAt} withTime />
                      </td>
                      <td>
                        <Time value={s.lastErrorAt} withTime />
                        {s.lastError && <div class="small error-text">{s.lastError}</div>}
                      </td>
                      <td class="num">{s.consecutiveFailures}</td>
                      <td class="num">{s.itemsSeen}</td>
                      <td>{duration(s.intervalSeconds)}</td>
                      <td>
                        <Time value={s.nextCheckAt} withTime />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

/** Mail written to the outbox (embedded mode, no SMTP server), newest first. */
export function OutboxPage() {
  const loaded = useLoad((signal) => getJson<{ messages: OutboxEntry[] }>('/api/outbox', { signal }), 'outbox');
  return (
    <div class="outbox-page">
      <PageTitle title="Outbox">Outbox</PageTitle>
      <p>
        No SMTP server is set (<code>SMTP_URL</code>), so email is written here instead of being sent. Links in these
        messages work as they would from a mailbox.
      </p>
      {loaded.state === 'loading' && <Loading what="the outbox" />}
      {loaded.state === 'error' && <ErrorMessage message={loaded.message} />}
      {loaded.state === 'done' &&
        (loaded.data.messages.length === 0 ? (
          <p>No email written yet.</p>
        ) : (
          <ol class="outbox">
            {loaded.data.messages.map((m) => (
              <li key={m.file}>
                <article aria-labelledby={`mail-${m.file}`}>
                  <h2 id={`mail-${m.file}`}>{m.subject}</h2>
                  <p class="meta">
                    To {m.to} · <Time value={m.writtenAt} withTime />
                  </p>
                  <details>
                    <summary>Message</summary>
                    <pre class="mail">
                      <Linkified text={m.text} />
                    </pre>
                  </details>
                </article>
              </li>
            ))}
          </ol>
        ))}
    </div>
  );
}
