/// <reference lib="dom" />
/**
 * The page's side of the JSON API (protocol.ts): the token from the page's own URL, and a fetch
 * of one view's answer.
 * @packageDocumentation
 */
import type { ViewAnswer } from '../protocol.js';

/** The views the server answers at `GET /api/v1/<view>`, and names in a frame's `changed`. */
export type ApiView = 'pidin' | 'nodes' | 'channels' | 'graph';

/** The token the server put in the page's URL (`/?token=…`). */
export function pageToken(): string {
  return new URLSearchParams(location.search).get('token') ?? '';
}

/** `/api/v1/<path>?token=…&<params>`, relative to the page. */
export function apiUrl(path: string, params: Readonly<Record<string, string>> = {}): string {
  const q = new URLSearchParams({ token: pageToken(), ...params });
  return `api/v1/${path}?${q.toString()}`;
}

/** Fetch one view's answer for the whole network (`scope=network`). */
export async function fetchView<T>(view: ApiView, signal?: AbortSignal): Promise<ViewAnswer<T>> {
  const res = await fetch(apiUrl(view, { scope: 'network' }), { signal, cache: 'no-store' });
  if (!res.ok) throw new Error(`GET /api/v1/${view}: ${res.status} ${res.statusText}`);
  return (await res.json()) as ViewAnswer<T>;
}
