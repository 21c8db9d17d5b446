/**
 * The rate limiter contract: sliding windows of requests and tokens per scope (`key:<id>`,
 * `user:<id>`, `team:<id>`), exact at their edges. An event at time `t` counts at `now`
 * while `now - t < window`; at `t + window` it is gone.
 */

/** One minute: the window of rpm and tpm limits. */
export const WINDOW_MS = 60_000;

/** The limits of one scope a call must pass. */
export interface LimitCheck {
  scope: string;
  /** Requests per window; null = unlimited. */
  rpm: number | null;
  /** Tokens per window; null = unlimited. */
  tpm: number | null;
}

/** Why a call was refused. */
export interface Refusal {
  scope: string;
  kind: 'requests' | 'tokens';
  limit: number;
  /** Requests or tokens in the window now. */
  used: number;
  /** When the window has room again, in ms from now (> 0). */
  retryAfterMs: number;
}

/** A scope's window after a call was admitted (the call counted). */
export interface WindowUsage {
  scope: string;
  requests: number;
  tokens: number;
}

/** Admitted (with each window's usage) or refused. */
export type Verdict = { ok: true; windows: WindowUsage[] } | { ok: false; refusal: Refusal };

/**
 * A limiter backend (memory, the store, Redis).
 *
 * @example
 * ```ts
 * const v = await limiter.admit([{ scope: 'key:key_1', rpm: 10, tpm: null }], Date.now());
 * if (!v.ok) throw rateLimited(v.refusal);
 * ```
 */
export interface Limiter {
  readonly kind: 'memory' | 'store' | 'redis';
  /** Checks every scope and, only if all pass, counts one request in each (all or none). */
  admit(checks: readonly LimitCheck[], now: number): Promise<Verdict>;
  /** Counts tokens a finished call used in each scope's token window. */
  addTokens(scopes: readonly string[], tokens: number, now: number): Promise<void>;
  close(): Promise<void>;
}
