/**
 * Windows in this process's memory: exact, the fastest, and not shared with other processes.
 */
import { WINDOW_MS, type Limiter, type Verdict } from './types.js';
import { refusalOf, tokenSum, type WindowEvents } from './window.js';

/** Inserts `t` keeping the list ascending (clocks can step back a little). */
function insertSorted<T>(list: T[], item: T, time: (x: T) => number): void {
  let i = list.length;
  while (i > 0 && time(list[i - 1]!) > time(item)) i--;
  list.splice(i, 0, item);
}

/**
 * The memory limiter.
 *
 * @example
 * ```ts
 * const limiter = memoryLimiter();
 * await limiter.admit([{ scope: 'key:k', rpm: 2, tpm: null }], Date.now());
 * ```
 */
export function memoryLimiter(windowMs = WINDOW_MS): Limiter {
  const scopes = new Map<string, WindowEvents>();
  const windowOf = (scope: string, now: number): WindowEvents => {
    let w = scopes.get(scope);
    if (!w) scopes.set(scope, (w = { requests: [], tokens: [] }));
    const edge = now - windowMs;
    let r = 0;
    while (r < w.requests.length && w.requests[r]! <= edge) r++;
    if (r > 0) w.requests.splice(0, r);
    let k = 0;
    while (k < w.tokens.length && w.tokens[k]![0] <= edge) k++;
    if (k > 0) w.tokens.splice(0, k);
    return w;
  };
  // windows idle for longer than the window are empty: drop them now and then
  const sweep = setInterval(() => {
    const edge = Date.now() - windowMs;
    for (const [scope, w] of scopes) {
      if ((w.requests.at(-1) ?? -Infinity) <= edge && (w.tokens.at(-1)?.[0] ?? -Infinity) <= edge) scopes.delete(scope);
    }
  }, windowMs);
  sweep.unref();
  return {
    kind: 'memory',
    async admit(checks, now): Promise<Verdict> {
      const windows = checks.map((c) => windowOf(c.scope, now));
      for (const [i, c] of checks.entries()) {
        const refusal = refusalOf(c, windows[i]!, now, windowMs);
        if (refusal) return { ok: false, refusal };
      }
      for (const [i, c] of checks.entries()) if (c.rpm !== null) insertSorted(windows[i]!.requests, now, (t) => t);
      return { ok: true, windows: checks.map((c, i) => ({ scope: c.scope, requests: windows[i]!.requests.length, tokens: tokenSum(windows[i]!) })) };
    },
    async addTokens(list, tokens, now) {
      for (const scope of list) insertSorted(windowOf(scope, now).tokens, [now, tokens] as [number, number], (e) => e[0]);
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
