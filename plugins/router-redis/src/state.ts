/**
 * A router state shared through Redis. Reads stay synchronous (they sit on every call): this
 * process keeps the in-memory state and folds in what the others did. Cooldowns are shared at
 * once (a key with the cooldown's expiry, and a pub/sub message every process applies as it
 * arrives); calls in flight and per-minute usage are counted in Redis keys and read back by
 * every process every `syncMs`. Failures are counted per process (a cooldown, once decided,
 * is everyone's). While Redis is unreachable the state is this process's own.
 */
import { Redis } from 'ioredis';
import type { AttemptEnd, MinuteUsage, RouterState } from '@switchyard/core';
import { createMemoryState } from '@switchyard/routing';

/** Options of the shared state. */
export interface RedisStateOptions {
  url: string;
  /** Key prefix (default `sy:router:`), to share one Redis between gateways that must not mix. */
  prefix?: string;
  /** How often usage and in-flight counts of the other processes are read (default 200 ms). */
  syncMs?: number;
  /** Reports a Redis failure (connection lost, command failed); the state goes on locally. */
  onError?(err: unknown): void;
}

const MINUTE = 60_000;

interface Remote {
  inflight: number;
  requests: number;
  prevRequests: number;
  tokens: number;
  prevTokens: number;
}

/**
 * Connects and returns the shared state (rejects when Redis cannot be reached at start).
 *
 * @example
 * ```ts
 * gateway.services.routerState = await createRedisState({ url: 'redis://127.0.0.1:6379' });
 * ```
 */
export async function createRedisState(options: RedisStateOptions): Promise<RouterState> {
  const prefix = options.prefix ?? 'sy:router:';
  const onError = options.onError ?? (() => undefined);
  const redisOptions = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 } as const;
  const client = new Redis(options.url, redisOptions);
  const sub = new Redis(options.url, redisOptions);
  client.on('error', onError);
  sub.on('error', onError);
  await Promise.all([client.connect(), sub.connect()]);
  const local = createMemoryState();
  const ids = new Set<string>();
  // the others' share: the remote totals last read, less what this process had added to them then
  const remote = new Map<string, Remote>();
  // this process's own part of the shared counters, this minute and the one before
  const mine = new Map<string, { inflight: number; minute: number; requests: number; tokens: number; prevRequests: number; prevTokens: number }>();
  const coolChannel = `${prefix}cooldowns`;
  const minuteOf = (t: number) => t - (t % MINUTE);
  const key = (kind: string, id: string, minute?: number) => `${prefix}${kind}:${id}${minute === undefined ? '' : `:${minute}`}`;
  const fire = (p: Promise<unknown>) => void p.catch(onError);
  const own = (id: string) => {
    let m = mine.get(id);
    const minute = minuteOf(Date.now());
    if (!m) mine.set(id, (m = { inflight: 0, minute, requests: 0, tokens: 0, prevRequests: 0, prevTokens: 0 }));
    if (m.minute !== minute) {
      const adjacent = minute - m.minute === MINUTE;
      Object.assign(m, { minute, prevRequests: adjacent ? m.requests : 0, prevTokens: adjacent ? m.tokens : 0, requests: 0, tokens: 0 });
    }
    return m;
  };

  await sub.subscribe(coolChannel);
  sub.on('message', (_channel: string, message: string) => {
    const { id, until, reason } = JSON.parse(message) as { id: string; until: number; reason: string };
    local.coolDown(id, until, reason);
  });

  async function sync(): Promise<void> {
    if (ids.size === 0 || client.status !== 'ready') return;
    const list = [...ids];
    const minute = minuteOf(Date.now());
    const keys = list.flatMap((id) => [key('inflight', id), key('req', id, minute), key('req', id, minute - MINUTE), key('tok', id, minute), key('tok', id, minute - MINUTE), key('cool', id)]);
    const values = await client.mget(keys);
    list.forEach((id, i) => {
      const [inflight, req, prevReq, tok, prevTok, cool] = values.slice(i * 6, i * 6 + 6).map((v) => (v === null ? 0 : Number(v)));
      const m = own(id);
      // what the others did: the shared totals less this process's own part of them
      remote.set(id, { inflight: inflight! - m.inflight, requests: req! - m.requests, prevRequests: prevReq! - m.prevRequests, tokens: tok! - m.tokens, prevTokens: prevTok! - m.prevTokens });
      if (cool! > Date.now()) local.coolDown(id, cool!, local.lastError(id) ?? 'cooling down (another gateway process)');
    });
  }
  const timer = setInterval(() => fire(sync()), options.syncMs ?? 200);
  timer.unref();

  const carried = () => 1 - (Date.now() % MINUTE) / MINUTE;
  return {
    begin(id) {
      ids.add(id);
      local.begin(id);
      const m = own(id);
      m.inflight++;
      m.requests++;
      const minute = m.minute;
      fire(client.multi().incr(key('inflight', id)).incr(key('req', id, minute)).pexpire(key('req', id, minute), 2 * MINUTE).exec());
    },
    end(id, result: AttemptEnd) {
      local.end(id, result);
      const m = own(id);
      m.inflight = Math.max(0, m.inflight - 1);
      const tx = client.multi().decr(key('inflight', id));
      if (result.tokens) {
        m.tokens += result.tokens;
        tx.incrby(key('tok', id, m.minute), result.tokens).pexpire(key('tok', id, m.minute), 2 * MINUTE);
      }
      fire(tx.exec());
    },
    inflight(id) {
      ids.add(id); // read once: followed from the next sync on
      return local.inflight(id) + Math.max(0, remote.get(id)?.inflight ?? 0);
    },
    usage(id): MinuteUsage {
      ids.add(id);
      const mineNow = local.usage(id);
      const r = remote.get(id);
      if (!r) return mineNow;
      const c = carried();
      return {
        requests: mineNow.requests + Math.max(0, r.requests) + Math.max(0, r.prevRequests) * c,
        tokens: mineNow.tokens + Math.max(0, r.tokens) + Math.max(0, r.prevTokens) * c,
      };
    },
    latency: (id, stream) => local.latency(id, stream),
    fail: (id) => local.fail(id),
    coolDown(id, until, reason) {
      local.coolDown(id, until, reason);
      const ms = Math.max(1, until - Date.now());
      fire(client.set(key('cool', id), String(until), 'PX', ms));
      fire(client.publish(coolChannel, JSON.stringify({ id, until, reason })));
    },
    coolingUntil: (id) => local.coolingUntil(id),
    lastError: (id) => local.lastError(id),
    async close() {
      clearInterval(timer);
      await Promise.allSettled([client.quit(), sub.quit()]);
    },
  };
}
