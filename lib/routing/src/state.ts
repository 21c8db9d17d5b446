/**
 * What the router knows about each deployment: calls in flight, usage this minute, recent
 * latency and failures, and cooldowns. Reads are synchronous (they sit on every call); a
 * state shared between processes (Redis) keeps a local copy and replicates in the background.
 */
import type { RouterState } from '@switchyard/core';

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
