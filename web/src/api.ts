import { Store } from './store';
import type { ErrorBody } from './types';

/** Where the API key lives in the browser (the browser tests set it here too). */
export const API_KEY_STORAGE = 'radar.apiKey';

function readKey(): string | null {
  try {
    return localStorage.getItem(API_KEY_STORAGE);
  } catch {
    return null;
  }
}

/**
 * Sign-in state: the key (or null), and whether the API has asked for one (a 401) since. Pages
 * re-fetch when `version` changes (after signing in or out).
 */
export const auth = {
  key: new Store<string | null>(readKey()),
  /** Set by a 401: the message to show above the sign-in form. */
  prompt: new Store<string | null>(null),
  version: new Store(0),

  signIn(key: string): void {
    try {
      localStorage.setItem(API_KEY_STORAGE, key);
    } catch {
      // Private mode without storage: the key lives for this page only.
    }
    this.key.set(key);
    this.prompt.set(null);
    this.version.set(this.version.value + 1);
  },

  signOut(): void {
    try {
      localStorage.removeItem(API_KEY_STORAGE);
    } catch {
      // Nothing stored.
    }
    this.key.set(null);
    this.version.set(this.version.value + 1);
  },
};

/** An answer other than 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: ErrorBody = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Every problem the API listed (a 400 lists them all). */
  get problems(): string[] {
    const m = this.body.message;
    return Array.isArray(m) ? m : [m ?? this.message];
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Public endpoints send no key even when one is stored. */
  anonymous?: boolean;
  /** A 401 does not open the sign-in form (probes, such as whether there is an outbox). */
  quiet?: boolean;
  signal?: AbortSignal;
}

/** A request to the API: the key as `Authorization: Bearer`, JSON in and out; a 401 opens the sign-in form. */
export async function apiFetch(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const key = auth.key.value;
  if (key && !options.anonymous) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.');
  }
  if (res.ok) return res;
  let body: ErrorBody = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not JSON (an HTML page or a proxy's answer).
  }
  const first = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  const message = first ?? `${res.status} ${res.statusText || 'error'}`;
  if (res.status === 401 && !options.anonymous && !options.quiet) {
    auth.prompt.set(key ? 'This API key was not accepted. Sign in with another one.' : 'Sign in with an API key.');
  }
  throw new ApiError(res.status, message, body);
}

export async function getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await (await apiFetch(path, options)).json()) as T;
}

/** A query string from the set values only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** What to tell the reader about a failed request. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Sign in to see this: the API asks for a key.';
    if (error.status === 403) return `Your API key's role does not allow this (${error.message}).`;
    return error.problems.join('; ');
  }
  return (error as Error).message ?? String(error);
}
