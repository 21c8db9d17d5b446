/**
 * Calls to the gateway: same origin only, with the key the user signed in with (kept in
 * sessionStorage, so it goes when the tab closes) as `Authorization: Bearer`.
 */
const KEY = 'switchyard.console.key';

/** The signed-in key. */
export const credentials = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An error answer of the gateway (OpenAI error shape). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** Headers of every call: the key, when signed in. */
export function authHeaders(): Record<string, string> {
  const key = credentials.get();
  return key ? { authorization: `Bearer ${key}` } : {};
}

let onUnauthorized: (() => void) | undefined;
/** Called on any 401: the page asks for a key again. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** GETs `path` (same origin) as JSON; throws {@link ApiError} on an error answer. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json', ...authHeaders() }, signal, cache: 'no-store' });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const err = (body as { error?: { message?: string; code?: string } } | undefined)?.error;
    if (res.status === 401) onUnauthorized?.();
    throw new ApiError(res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.code ?? null);
  }
  return body as T;
}

/** A query string of the set values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
