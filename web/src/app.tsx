import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiFetch, auth } from './api';
import { LiveRegion, PageTitle, announce } from './common';
import { AlertsPage } from './pages/alerts';
import { CalendarPage } from './pages/calendar';
import { DocumentPage } from './pages/document';
import { SearchPage } from './pages/search';
import { OutboxPage, SourcesPage } from './pages/sources';
import { ConfirmPage, ManagePage, SubscribePage, UnsubscribePage } from './pages/subscribe';
import { location, match, navigated } from './router';
import { useStore } from './store';

function SignIn({ message, onCancel }: { message: string; onCancel?: () => void }) {
  const [key, setKey] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>{message}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!key.trim()) return;
          auth.signIn(key.trim());
          announce('Signed in');
        }}
      >
        <label for="api-key">API key</label>
        <div class="row">
          <input
            id="api-key"
            ref={input}
            type="password"
            required
            autoComplete="current-password"
            spellcheck={false}
            aria-describedby="api-key-hint"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
          <button type="submit">Sign in</button>
          {onCancel && (
            <button type="button" class="secondary" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <p id="api-key-hint" class="hint">
        The key is kept in this browser only. Roles: admin (everything), analyst (search, documents, export, trends),
        policy (alerts, triage, feeds, search). Subscribing, and the links in emails, need no key.
      </p>
    </section>
  );
}

/** Whether this deployment writes mail to an outbox (embedded mode): the nav shows it only then. */
function useOutbox(): boolean {
  const version = useStore(auth.version);
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    apiFetch('/api/outbox', { quiet: true }).then(
      () => live && setAvailable(true),
      () => live && setAvailable(false),
    );
    return () => {
      live = false;
    };
  }, [version]);
  return available;
}

function NotFound() {
  return (
    <>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        There is no page here. Try the <a href="/search">search</a> or the <a href="/alerts">alert desk</a>.
      </p>
    </>
  );
}

function page(path: string): ComponentChildren {
  if (path === '/' || match('/search', path)) return <SearchPage />;
  const doc = match('/documents/:id', path);
  if (doc) return <DocumentPage id={doc.id!} />;
  if (match('/alerts', path)) return <AlertsPage />;
  if (match('/alerts/calendar', path)) return <CalendarPage />;
  if (match('/subscribe', path)) return <SubscribePage />;
  if (match('/subscribe/confirm', path)) return <ConfirmPage />;
  if (match('/subscribe/manage', path)) return <ManagePage />;
  if (match('/subscribe/unsubscribe', path)) return <UnsubscribePage />;
  if (match('/sources', path)) return <SourcesPage />;
  if (match('/outbox', path)) return <OutboxPage />;
  if (match('/sign-in', path)) return <PageTitle title="Sign in">Policy Radar</PageTitle>;
  return <NotFound />;
}

const NAV: { href: string; text: string; section: RegExp }[] = [
  { href: '/search', text: 'Search', section: /^\/($|search|documents)/ },
  { href: '/alerts', text: 'Alert desk', section: /^\/alerts/ },
  { href: '/subscribe', text: 'Subscribe', section: /^\/subscribe/ },
  { href: '/sources', text: 'Sources', section: /^\/sources/ },
];

export function App() {
  const loc = useStore(location);
  const key = useStore(auth.key);
  const prompt = useStore(auth.prompt);
  const moved = useStore(navigated);
  const outbox = useOutbox();

  useEffect(() => {
    if (moved > 0) document.getElementById('page-title')?.focus();
  }, [moved]);

  const signInMessage = prompt ?? (match('/sign-in', loc.path) ? 'Sign in with an API key.' : null);
  const nav = outbox ? [...NAV, { href: '/outbox', text: 'Outbox', section: /^\/outbox/ }] : NAV;

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <a class="brand" href="/">
          Policy Radar
        </a>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={item.section.test(loc.path) ? 'page' : undefined}>
                  {item.text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          {key ? (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                auth.signOut();
                announce('Signed out');
              }}
            >
              Sign out
            </button>
          ) : (
            !signInMessage && (
              <button type="button" class="secondary" onClick={() => auth.prompt.set('Sign in with an API key.')}>
                Sign in
              </button>
            )
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {signInMessage && (
          <SignIn
            message={signInMessage}
            onCancel={prompt !== null && key === null ? () => auth.prompt.set(null) : undefined}
          />
        )}
        {page(loc.path)}
      </main>
      <footer class="site-footer">
        <a href="/api/docs">API documentation</a> · <a href="/health">Health</a>
      </footer>
      <LiveRegion />
    </>
  );
}
