/**
 * The sliding-window arithmetic every backend that reads its events shares (memory, store):
 * whether a scope has room, and when it will.
 */
import type { LimitCheck, Refusal } from './types.js';

/** A scope's events inside the window, oldest first. */
export interface WindowEvents {
  /** Request times. */
  requests: number[];
  /** Token events: time and count. */
  tokens: Array<[number, number]>;
}

/**
 * The refusal of `check` given its window, or undefined when it has room for one more request.
 *
 * @example
 * ```ts
 * refusalOf({ scope: 'key:k', rpm: 1, tpm: null }, { requests: [0], tokens: [] }, 30_000, 60_000);
 * // { kind: 'requests', limit: 1, used: 1, retryAfterMs: 30_000, ... }
 * ```
 */
export function refusalOf(check: LimitCheck, w: WindowEvents, now: number, windowMs: number): Refusal | undefined {
  const n = w.requests.length;
  if (check.rpm !== null && n >= check.rpm) {
    // the (n - rpm + 1)-th oldest request has to leave the window first
    const t = check.rpm === 0 ? now : w.requests[n - check.rpm]!;
    return { scope: check.scope, kind: 'requests', limit: check.rpm, used: n, retryAfterMs: Math.max(1, t + windowMs - now) };
  }
  if (check.tpm !== null) {
    let sum = 0;
    for (const [, amount] of w.tokens) sum += amount;
    if (sum >= check.tpm) {
      let left = sum;
      let retry = windowMs;
      for (const [t, amount] of w.tokens) {
        left -= amount;
        if (left < check.tpm) {
          retry = t + windowMs - now;
          break;
        }
      }
      return { scope: check.scope, kind: 'tokens', limit: check.tpm, used: sum, retryAfterMs: Math.max(1, retry) };
    }
  }
  return undefined;
}

/** Total tokens of a window. */
export function tokenSum(w: WindowEvents): number {
  let sum = 0;
  for (const [, amount] of w.tokens) sum += amount;
  return sum;
}
