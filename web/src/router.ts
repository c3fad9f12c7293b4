import { Store } from './store';

/** Paths the server answers itself: never routed in the browser. */
export const SERVER_PATHS = /^\/(api|admin|health|metrics)(\/|\.|$)/;

export interface Location {
  path: string;
  params: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, params: new URLSearchParams(window.location.search) };
}

/** The browser's location, as a store: routing by the History API (the server falls back to the app). */
export const location = new Store<Location>(current());

/** Set when the location changes by navigation (not on first load), so the page can take focus. */
export const navigated = new Store(0);

/** `focus`: move focus to the new page's heading (default: unless replacing). */
export function navigate(to: string, options: { replace?: boolean; focus?: boolean } = {}): void {
  const replace = options.replace ?? false;
  const focus = options.focus ?? !replace;
  const url = new URL(to, window.location.href);
  const target = url.pathname + url.search + url.hash;
  if (target === window.location.pathname + window.location.search + window.location.hash) {
    location.set(current());
    return;
  }
  if (replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  location.set(current());
  if (focus) {
    navigated.set(navigated.value + 1);
    window.scrollTo(0, 0);
  }
}

/** Same-origin links to app pages navigate in place; modified clicks, downloads and API links do not. */
export function startRouter(): void {
  window.addEventListener('popstate', () => {
    location.set(current());
    navigated.set(navigated.value + 1);
  });
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    if (anchor.origin !== window.location.origin || SERVER_PATHS.test(anchor.pathname)) return;
    // An in-page fragment (the skip link): the browser scrolls and moves focus itself.
    if (anchor.hash && anchor.pathname === window.location.pathname && anchor.search === window.location.search) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search + anchor.hash);
  });
}

/** `/documents/:id` style matching: the decoded parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (path === '/' && pattern === '/') return {};
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}
