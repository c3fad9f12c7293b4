import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { auth, describeError, getJson } from './api';
import { Store, useStore } from './store';
import type { Taxonomy } from './types';

/** Messages for screen readers (the app's one polite live region). */
export const announcement = new Store('');

export function announce(message: string): void {
  // The same text twice in a row is still read out.
  announcement.set(announcement.value === message ? `${message}\u00a0` : message);
}

export function LiveRegion() {
  const message = useStore(announcement);
  return (
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}

/** A request's state: loading, its data, or its error (as text for the reader). */
export type Loaded<T> =
  { state: 'loading' } | { state: 'done'; data: T } | { state: 'error'; error: unknown; message: string };

/** Fetches when `key` changes and again after signing in or out. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const version = useStore(auth.version);
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setResult({ state: 'loading' });
    load(controller.signal).then(
      (data) => !controller.signal.aborted && setResult({ state: 'done', data }),
      (error: unknown) =>
        !controller.signal.aborted && setResult({ state: 'error', error, message: describeError(error) }),
    );
    return () => controller.abort();
    // `load` is a fresh closure every render; `key` says when its inputs changed.
  }, [key, version]);
  return result;
}

let taxonomyPromise: Promise<Taxonomy> | undefined;

/** The taxonomy (public, fetched once): names for sector, area and goal ids. */
export function loadTaxonomy(): Promise<Taxonomy> {
  taxonomyPromise ??= getJson<Taxonomy>('/api/taxonomy', { anonymous: true }).catch((error: unknown) => {
    taxonomyPromise = undefined;
    throw error;
  });
  return taxonomyPromise;
}

export interface Names {
  sector(id: string): string;
  area(id: string): string;
  goal(id: string): string;
}

const plainNames: Names = { sector: (id) => id, area: (id) => id, goal: (id) => id };

/** The taxonomy once it has loaded (null until then). */
export function useTaxonomy(): Taxonomy | null {
  const [taxonomy, setTaxonomy] = useState<Taxonomy | null>(null);
  useEffect(() => {
    let live = true;
    loadTaxonomy().then(
      (t) => live && setTaxonomy(t),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return taxonomy;
}

/** Display names for taxonomy ids (the ids themselves until the taxonomy has loaded). */
export function useNames(): Names {
  const taxonomy = useTaxonomy();
  if (!taxonomy) return plainNames;
  const sectors = new Map(taxonomy.subSectors.map((s) => [s.id, s.name]));
  const areas = new Map(taxonomy.focusAreas.map((a) => [a.id, a.name]));
  const goals = new Map(taxonomy.advocacyGoals.map((g) => [g.id, g.name]));
  return {
    sector: (id) => sectors.get(id) ?? id,
    area: (id) => areas.get(id) ?? id,
    goal: (id) => goals.get(id) ?? id,
  };
}

/** `proposed_rule` -> `Proposed rule`. */
export function label(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** A local date (YYYY-MM-DD) or an instant, as the reader's calendar date. */
export function formatDate(value: string | undefined): string {
  if (!value) return '—';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

export function formatDateTime(value: string | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date);
}

export function Time({ value, withTime = false }: { value: string | undefined; withTime?: boolean }) {
  if (!value) return <span>—</span>;
  return <time dateTime={value}>{withTime ? formatDateTime(value) : formatDate(value)}</time>;
}

export function ErrorMessage({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function PriorityBadge({ priority }: { priority: string }) {
  return <span class={`badge priority-${priority}`}>{label(priority)} priority</span>;
}

export function Tags({ children }: { children: ComponentChildren }) {
  return <ul class="tags">{children}</ul>;
}

/** Sets the page's title and gives its heading focus after an in-app navigation. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  useEffect(() => {
    document.title = `${title} · Policy Radar`;
  }, [title]);
  return (
    <h1 tabIndex={-1} id="page-title">
      {children}
    </h1>
  );
}

/**
 * Text with `<mark>` around matched words, as the API sends snippets: everything except the
 * mark tags is inserted as text (the API escapes it), never parsed as HTML.
 */
export function Highlighted({ html }: { html: string }) {
  const parts: (string | { mark: string })[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m.index > last) parts.push(unescapeHtml(html.slice(last, m.index)));
    parts.push({ mark: unescapeHtml(m[1]!) });
    last = re.lastIndex;
  }
  if (last < html.length) parts.push(unescapeHtml(html.slice(last)));
  return <>{parts.map((p) => (typeof p === 'string' ? p : <mark>{p.mark}</mark>))}</>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeHtml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Plain text with its http(s) URLs as links (the outbox's emails, whose links a reader follows). */
export function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return <>{parts.map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}

/**
 * Feed links (Atom, RSS, JSON Feed, iCalendar). Feed readers and calendar apps cannot send an
 * API key, so a signed-in reader can turn them into links that carry a feed token for that key
 * (POST /api/feed-links).
 */
export function FeedLinks({ intro, links }: { intro: string; links: Record<string, string> }) {
  const key = useStore(auth.key);
  const id = Object.values(links).join(' ');
  const [signed, setSigned] = useState<{ id: string; links: Record<string, string> } | null>(null);
  const [error, setError] = useState('');
  const sign = async () => {
    setError('');
    try {
      const out: Record<string, string> = {};
      for (const [name, url] of Object.entries(links)) {
        out[name] = (await getJson<{ url: string }>('/api/feed-links', { method: 'POST', body: { url } })).url;
      }
      setSigned({ id, links: out });
      announce('Feed links for readers made');
    } catch (e) {
      setError(describeError(e));
    }
  };
  const shown = signed && signed.id === id && key ? signed.links : links;
  return (
    <p class="feeds">
      {intro}{' '}
      {Object.entries(shown).map(([name, url], i) => (
        <span key={name}>
          {i > 0 && ' · '}
          <a href={url}>{name}</a>
        </span>
      ))}
      {key && shown === links && (
        <>
          {' '}
          <button type="button" class="link" onClick={sign}>
            Make links for feed readers
          </button>
        </>
      )}
      {shown !== links && <span class="muted"> (these links act as your key: keep them to yourself)</span>}
      {error && <span class="error"> {error}</span>}
    </p>
  );
}
