/**
 * What the router knows about each deployment: calls in flight, usage this minute, recent
 * latency and failures, and cooldowns. Reads are synchronous (they sit on every call); a
 * state shared between processes (Redis) keeps a local copy and replicates in the background.
 */

/**
 * Requests and tokens a deployment took in the last minute.
 *
 * @example
 * ```ts
 * const { requests, tokens }: MinuteUsage = gateway.router.state.usage(deployment.id);
 * const full = deployment.rpm !== undefined && requests >= deployment.rpm;
 * ```
 */
export interface MinuteUsage {
  requests: number;
  tokens: number;
}

/**
 * How an attempt ended, as the router records it.
 *
 * @example
 * ```ts
 * state.end('gpt-4o#0', { ok: true, latencyMs: 840, ttftMs: 120, tokens: 512 });
 * ```
 */
export interface AttemptEnd {
  ok: boolean;
  /** Total latency of the attempt in ms. */
  latencyMs: number;
  /** Time to the first streamed chunk in ms (streams only). */
  ttftMs?: number;
  /** Tokens the attempt used, when known. */
  tokens?: number;
}

/**
 * The router's state.
 *
 * @example
 * ```ts
 * const state = createMemoryState();
 * state.begin('gpt-4o#0');
 * state.end('gpt-4o#0', { ok: true, latencyMs: 120, tokens: 40 });
 * ```
 */
export interface RouterState {
  /** An attempt on `id` started. */
  begin(id: string): void;
  /** An attempt on `id` ended. */
  end(id: string, result: AttemptEnd): void;
  /** Attempts in flight on `id` (in every process sharing the state). */
  inflight(id: string): number;
  /** Usage of `id` over the last minute (sliding). */
  usage(id: string): MinuteUsage;
  /** Recent latency of `id` (exponentially weighted), or undefined before any call. */
  latency(id: string, stream: boolean): number | undefined;
  /** Counts a failure of `id`; returns the failures within the last minute. */
  fail(id: string): number;
  /** Skips `id` until `until` (epoch ms). */
  coolDown(id: string, until: number, reason: string): void;
  /** Until when `id` is cooling down (epoch ms), or 0. */
  coolingUntil(id: string): number;
  /** Why `id` last cooled down (for health reports). */
  lastError(id: string): string | undefined;
  /** Stops background replication (a shared state). */
  close?(): Promise<void>;
}

const MINUTE = 60_000;
const ALPHA = 0.3;

interface Entry {
  inflight: number;
  minute: number; // start of the current minute bucket
  requests: number;
  tokens: number;
  prevRequests: number;
  prevTokens: number;
  latency?: number;
  ttft?: number;
  fails: number[];
  coolUntil: number;
  lastError?: string;
}

/**
 * Rolls the two one-minute buckets of `e` forward to `now`: the previous minute's counts are
 * weighed by how much of it still lies inside the sliding minute.
 */
function roll(e: Entry, now: number): void {
  const minute = now - (now % MINUTE);
  if (minute === e.minute) return;
  const adjacent = minute - e.minute === MINUTE;
  e.prevRequests = adjacent ? e.requests : 0;
  e.prevTokens = adjacent ? e.tokens : 0;
  e.requests = 0;
  e.tokens = 0;
  e.minute = minute;
}

/**
 * The router state of one process, in memory.
 *
 * @example
 * ```ts
 * const router = createRouter(config, createMemoryState());
 * ```
 */
export function createMemoryState(clock: () => number = Date.now): RouterState {
  const entries = new Map<string, Entry>();
  const get = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) entries.set(id, (e = { inflight: 0, minute: 0, requests: 0, tokens: 0, prevRequests: 0, prevTokens: 0, fails: [], coolUntil: 0 }));
    return e;
  };
  return {
    begin(id) {
      const e = get(id);
      e.inflight++;
      roll(e, clock());
      e.requests++;
    },
    end(id, r) {
      const e = get(id);
      e.inflight = Math.max(0, e.inflight - 1);
      roll(e, clock());
      if (r.tokens) e.tokens += r.tokens;
      if (r.ok) {
        if (r.ttftMs !== undefined) e.ttft = e.ttft === undefined ? r.ttftMs : e.ttft + ALPHA * (r.ttftMs - e.ttft);
        else e.latency = e.latency === undefined ? r.latencyMs : e.latency + ALPHA * (r.latencyMs - e.latency);
      }
    },
    inflight: (id) => entries.get(id)?.inflight ?? 0,
    usage(id) {
      const e = entries.get(id);
      if (!e) return { requests: 0, tokens: 0 };
      const now = clock();
      roll(e, now);
      const carried = 1 - (now % MINUTE) / MINUTE;
      return { requests: e.requests + e.prevRequests * carried, tokens: e.tokens + e.prevTokens * carried };
    },
    latency(id, stream) {
      const e = entries.get(id);
      return stream ? (e?.ttft ?? e?.latency) : e?.latency;
    },
    fail(id) {
      const e = get(id);
      const now = clock();
      e.fails.push(now);
      while (e.fails.length > 0 && e.fails[0]! <= now - MINUTE) e.fails.shift();
      return e.fails.length;
    },
    coolDown(id, until, reason) {
      const e = get(id);
      e.coolUntil = Math.max(e.coolUntil, until);
      e.lastError = reason;
      e.fails = [];
    },
    coolingUntil(id) {
      const until = entries.get(id)?.coolUntil ?? 0;
      return until > clock() ? until : 0;
    },
    lastError: (id) => entries.get(id)?.lastError,
  };
}
