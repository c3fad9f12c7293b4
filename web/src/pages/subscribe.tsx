import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiFetch, describeError, getJson, query } from '../api';
import { announce, ErrorMessage, label, Loading, PageTitle, Time, useLoad, useNames, useTaxonomy } from '../common';
import { location } from '../router';
import { useStore } from '../store';
import type { SubscriptionFrequency, SubscriptionView, Taxonomy } from '../types';

/**
 * Public pages (no API key): subscribe, and the pages behind the emailed links (confirm, manage,
 * unsubscribe). The emails link to the API's own pages (/api/subscriptions/...), which keep
 * working without JavaScript; these pages do the same through the JSON API for the same tokens.
 */

const BROWSER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function timeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return [...new Set(['UTC', BROWSER_TIME_ZONE, ...zones])].sort();
}

interface CheckboxesProps {
  legend: string;
  name: string;
  options: { id: string; name: string }[];
  chosen: Set<string>;
  onChange: (next: Set<string>) => void;
}

function Checkboxes({ legend, name, options, chosen, onChange }: CheckboxesProps) {
  return (
    <fieldset class="checkboxes">
      <legend>{legend}</legend>
      {options.map((o) => (
        <div key={o.id} class="check">
          <input
            id={`${name}-${o.id}`}
            type="checkbox"
            name={name}
            value={o.id}
            checked={chosen.has(o.id)}
            onChange={(e) => {
              const next = new Set(chosen);
              if (e.currentTarget.checked) next.add(o.id);
              else next.delete(o.id);
              onChange(next);
            }}
          />
          <label for={`${name}-${o.id}`}>{o.name}</label>
        </div>
      ))}
    </fieldset>
  );
}

/** A collapsed group of checkboxes; its summary says how many are chosen. */
function Choices({ title, chosen, children }: { title: string; chosen: Set<string>; children: ComponentChildren }) {
  return (
    <details class="choices">
      <summary>
        {title} ({chosen.size === 0 ? 'any' : `${chosen.size} chosen`})
      </summary>
      {children}
    </details>
  );
}

/** One flat taxonomy list (focus areas, advocacy goals) as collapsed checkboxes. */
function ListChoices(props: CheckboxesProps) {
  return (
    <Choices title={props.legend} chosen={props.chosen}>
      <Checkboxes {...props} />
    </Choices>
  );
}

function SectorChoices({
  taxonomy,
  chosen,
  onChange,
}: {
  taxonomy: Taxonomy;
  chosen: Set<string>;
  onChange: (next: Set<string>) => void;
}) {
  return (
    <Choices title="Sub-sectors" chosen={chosen}>
      {taxonomy.focusAreas.map((area) => (
        <Checkboxes
          key={area.id}
          legend={area.name}
          name="sector"
          options={taxonomy.subSectors.filter((s) => s.focusArea === area.id)}
          chosen={chosen}
          onChange={onChange}
        />
      ))}
    </Choices>
  );
}

export function SubscribePage() {
  const taxonomy = useTaxonomy();
  const [email, setEmail] = useState('');
  const [q, setQ] = useState('');
  const [sectors, setSectors] = useState(new Set<string>());
  const [areas, setAreas] = useState(new Set<string>());
  const [goals, setGoals] = useState(new Set<string>());
  const [minPriority, setMinPriority] = useState('low');
  const [frequency, setFrequency] = useState<SubscriptionFrequency>('instant');
  const [timeZone, setTimeZone] = useState(BROWSER_TIME_ZONE);
  const [sending, setSending] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState<{ message: string; status: string } | null>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  const errorBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (done) doneHeading.current?.focus();
  }, [done]);
  useEffect(() => {
    if (problems.length) errorBox.current?.focus();
  }, [problems]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSending(true);
    setProblems([]);
    try {
      const res = await apiFetch('/api/subscriptions', {
        method: 'POST',
        anonymous: true,
        body: {
          email: email.trim(),
          query: q.trim(),
          sectors: [...sectors],
          areas: [...areas],
          goals: [...goals],
          minPriority,
          frequency,
          timeZone,
        },
      });
      const body = (await res.json()) as { message: string; status: string };
      setDone(body);
      announce(body.message);
    } catch (error) {
      setProblems(error instanceof ApiError ? error.problems : [describeError(error)]);
    } finally {
      setSending(false);
    }
  };

  if (done) {
    return (
      <div class="subscribe-page">
        <PageTitle title="Check your inbox">Subscribe to alerts</PageTitle>
        <section class="panel success" aria-labelledby="sent-title">
          <h2 id="sent-title" tabIndex={-1} ref={doneHeading}>
            {done.status === 'confirmed' ? 'Already subscribed' : 'Check your inbox'}
          </h2>
          <p>{done.message}</p>
          <p>
            Every email has a link to manage or end your subscriptions.{' '}
            <button type="button" class="link" onClick={() => setDone(null)}>
              Subscribe with other preferences
            </button>
          </p>
        </section>
      </div>
    );
  }

  return (
    <div class="subscribe-page">
      <PageTitle title="Subscribe">Subscribe to alerts</PageTitle>
      <p>
        Get alerts by email when a document reports a policy action that matches. You will get a confirmation email
        first; nothing else is sent until you follow its link.
      </p>
      {problems.length > 0 && (
        <div class="error" role="alert" tabIndex={-1} ref={errorBox}>
          <p>The subscription was not made:</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <form class="subscribe-form" onSubmit={submit} aria-label="Subscribe">
        <div class="field">
          <label for="sub-email">Email address</label>
          <input
            id="sub-email"
            type="email"
            required
            autoComplete="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sub-query">Words or query (optional)</label>
          <input
            id="sub-query"
            type="text"
            aria-describedby="sub-query-hint"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
          <span id="sub-query-hint" class="hint">
            In the search syntax, e.g. <code>"export controls" OR tariff</code>. Empty: every alert that meets the
            choices below.
          </span>
        </div>
        {taxonomy ? (
          <>
            <SectorChoices taxonomy={taxonomy} chosen={sectors} onChange={setSectors} />
            <ListChoices
              legend="Focus areas"
              name="area"
              options={taxonomy.focusAreas}
              chosen={areas}
              onChange={setAreas}
            />
            <ListChoices
              legend="Advocacy goals"
              name="goal"
              options={taxonomy.advocacyGoals}
              chosen={goals}
              onChange={setGoals}
            />
          </>
        ) : (
          <Loading what="sub-sectors" />
        )}
        <div class="field">
          <label for="sub-priority">Lowest priority to send</label>
          <select id="sub-priority" value={minPriority} onChange={(e) => setMinPriority(e.currentTarget.value)}>
            <option value="low">Low (every alert)</option>
            <option value="medium">Medium</option>
            <option value="high">High only</option>
          </select>
        </div>
        <fieldset class="radios">
          <legend>How often</legend>
          {(['instant', 'daily', 'weekly'] as const).map((f) => (
            <div key={f} class="check">
              <input
                id={`sub-frequency-${f}`}
                type="radio"
                name="frequency"
                value={f}
                checked={frequency === f}
                onChange={() => setFrequency(f)}
              />
              <label for={`sub-frequency-${f}`}>
                {f === 'instant' ? 'As they come' : f === 'daily' ? 'Daily digest' : 'Weekly digest'}
              </label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="sub-tz">Time zone (for digests)</label>
          <select id="sub-tz" value={timeZone} onChange={(e) => setTimeZone(e.currentTarget.value)}>
            {timeZones().map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={sending}>
          {sending ? 'Subscribing…' : 'Subscribe'}
        </button>
      </form>
    </div>
  );
}

function useToken(): string {
  return useStore(location).params.get('token') ?? '';
}

/** The confirmation link's page: confirms through the API (the same token as the emailed link). */
export function ConfirmPage() {
  const token = useToken();
  const result = useLoad(async (signal) => {
    try {
      await apiFetch(`/api/subscriptions/confirm${query({ token })}`, { anonymous: true, signal });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }, token);
  if (result.state === 'loading') {
    return (
      <>
        <PageTitle title="Confirming">Confirming your subscription</PageTitle>
        <Loading what="the confirmation" />
      </>
    );
  }
  if (result.state === 'error') {
    return (
      <>
        <PageTitle title="Not confirmed">Not confirmed</PageTitle>
        <ErrorMessage message={result.message} />
      </>
    );
  }
  return result.data ? (
    <>
      <PageTitle title="Subscription confirmed">Subscription confirmed</PageTitle>
      <p>Alerts will be sent as you asked. Every email has links to manage or end your subscriptions.</p>
    </>
  ) : (
    <>
      <PageTitle title="Link not valid">Link not valid</PageTitle>
      <p>This confirmation link is unknown or was withdrawn.</p>
      <p>
        <a href="/subscribe">Subscribe again</a>
      </p>
    </>
  );
}

/** The unsubscribe link's page: one button, so a mail scanner that opens links unsubscribes nobody. */
export function UnsubscribePage() {
  const token = useToken();
  const [state, setState] = useState<'ask' | 'busy' | 'done' | 'unknown'>('ask');
  const [error, setError] = useState('');
  const unsubscribe = async () => {
    setState('busy');
    setError('');
    try {
      const res = await apiFetch(`/api/subscriptions/unsubscribe${query({ token })}`, {
        method: 'POST',
        anonymous: true,
      });
      const body = (await res.json()) as { status: string };
      setState(body.status === 'unsubscribed' ? 'done' : 'unknown');
      announce(body.status === 'unsubscribed' ? 'Unsubscribed' : 'This unsubscribe link is unknown');
    } catch (e) {
      setError(describeError(e));
      setState('ask');
    }
  };
  if (state === 'done') {
    return (
      <>
        <PageTitle title="Unsubscribed">Unsubscribed</PageTitle>
        <p>No more alerts will be sent for this subscription.</p>
      </>
    );
  }
  if (state === 'unknown') {
    return (
      <>
        <PageTitle title="Link not valid">Link not valid</PageTitle>
        <p>This unsubscribe link is unknown.</p>
      </>
    );
  }
  return (
    <>
      <PageTitle title="Unsubscribe">Unsubscribe</PageTitle>
      <p>Stop the alerts of this subscription?</p>
      {error && <ErrorMessage message={error} />}
      <button type="button" onClick={unsubscribe} disabled={state === 'busy' || !token}>
        Unsubscribe
      </button>
    </>
  );
}

function describePrefs(s: SubscriptionView, names: ReturnType<typeof useNames>): string {
  return [
    s.sectors.length ? `sub-sectors: ${s.sectors.map(names.sector).join(', ')}` : '',
    s.areas.length ? `focus areas: ${s.areas.map(names.area).join(', ')}` : '',
    s.goals.length ? `goals: ${s.goals.map(names.goal).join(', ')}` : '',
    `priority ${s.minPriority} and up`,
    s.frequency === 'instant' ? 'as they come' : `${s.frequency} digest (${s.timeZone})`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** The signed manage link's page: the address's subscriptions, each with an unsubscribe button. */
export function ManagePage() {
  const token = useToken();
  const names = useNames();
  const loaded = useLoad(
    (signal) =>
      getJson<{ email: string; subscriptions: SubscriptionView[] }>(`/api/subscriptions/manage${query({ token })}`, {
        anonymous: true,
        signal,
      }),
    token,
  );
  const [changed, setChanged] = useState<Record<string, SubscriptionView>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState('');

  const unsubscribe = async (s: SubscriptionView) => {
    setBusy(s.id);
    setError('');
    try {
      const res = await apiFetch(`/api/subscriptions/manage/unsubscribe${query({ token, id: s.id })}`, {
        method: 'POST',
        anonymous: true,
      });
      const body = (await res.json()) as { subscription: SubscriptionView };
      setChanged((c) => ({ ...c, [s.id]: body.subscription }));
      announce(`Unsubscribed from ${s.query || 'all alerts'}`);
      // The button goes away: keep the reader's place on the subscription's heading.
      requestAnimationFrame(() => document.getElementById(`sub-${s.id}`)?.focus());
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(null);
    }
  };

  if (loaded.state === 'loading') {
    return (
      <>
        <PageTitle title="Your subscriptions">Your subscriptions</PageTitle>
        <Loading what="your subscriptions" />
      </>
    );
  }
  if (loaded.state === 'error') {
    return (
      <>
        <PageTitle title="Your subscriptions">Your subscriptions</PageTitle>
        <ErrorMessage message={loaded.message} />
      </>
    );
  }
  const { email, subscriptions } = loaded.data;
  return (
    <>
      <PageTitle title="Your subscriptions">Your subscriptions</PageTitle>
      <p>
        Subscriptions of <strong>{email}</strong>:
      </p>
      {error && <ErrorMessage message={error} />}
      {subscriptions.length === 0 ? (
        <p>This address has no subscriptions.</p>
      ) : (
        <ul class="subscriptions">
          {subscriptions.map((original) => {
            const s = changed[original.id] ?? original;
            return (
              <li key={s.id} class={`subscription status-${s.status}`}>
                <h2 id={`sub-${s.id}`} tabIndex={-1}>
                  {s.query || 'All alerts'}
                </h2>
                <p>
                  <span class="badge">{label(s.status)}</span> · {describePrefs(s, names)} · since{' '}
                  <Time value={s.createdAt} />
                </p>
                {s.status !== 'unsubscribed' && (
                  <button
                    type="button"
                    aria-describedby={`sub-${s.id}`}
                    disabled={busy === s.id}
                    onClick={() => unsubscribe(s)}
                  >
                    Unsubscribe
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <a href="/subscribe">Add a subscription</a>
      </p>
    </>
  );
}
