/**
 * Windows in the gateway's database, so every process on it shares them: each admission is one
 * transaction that reads the scopes' events and adds the request. PostgreSQL serialises
 * admissions of a scope with a row lock (`for update` on `sy_rate_scopes`, taken in scope order
 * so two calls never deadlock); SQLite's `BEGIN IMMEDIATE` already serialises every writer.
 */
import type { Store } from '@switchyard/core';
import { RATE_EVENTS_TABLE, RATE_SCOPES_TABLE } from '../migrations.js';
import { WINDOW_MS, type Limiter, type Verdict } from './types.js';
import { refusalOf, tokenSum, type WindowEvents } from './window.js';

const REQUEST = 0;
const TOKENS = 1;

interface EventRow {
  scope: string;
  kind: number;
  at: number;
  amount: number | string;
}

/**
 * The store limiter.
 *
 * @example
 * ```ts
 * const limiter = storeLimiter(gateway.services.store!);
 * ```
 */
export function storeLimiter(store: Store, windowMs = WINDOW_MS): Limiter {
  // old events of scopes nobody checks any more are removed now and then
  const sweep = setInterval(() => {
    store.writes.enqueue((db) => db.deleteFrom(RATE_EVENTS_TABLE).where('at', '<=', Date.now() - windowMs).execute());
  }, 5 * windowMs);
  sweep.unref();
  return {
    kind: 'store',
    admit(checks, now): Promise<Verdict> {
      const scopes = [...new Set(checks.map((c) => c.scope))].sort();
      return store.transaction(async (trx) => {
        if (store.dialect === 'postgres') {
          await trx.insertInto(RATE_SCOPES_TABLE).values(scopes.map((scope) => ({ scope }))).onConflict((oc) => oc.column('scope').doNothing()).execute();
          await trx.selectFrom(RATE_SCOPES_TABLE).select('scope').where('scope', 'in', scopes).orderBy('scope').forUpdate().execute();
        }
        const edge = now - windowMs;
        await trx.deleteFrom(RATE_EVENTS_TABLE).where('scope', 'in', scopes).where('at', '<=', edge).execute();
        const rows = (await trx.selectFrom(RATE_EVENTS_TABLE).selectAll().where('scope', 'in', scopes).orderBy('at').execute()) as EventRow[];
        const windows = new Map<string, WindowEvents>(scopes.map((s) => [s, { requests: [], tokens: [] }]));
        for (const r of rows) {
          const w = windows.get(r.scope)!;
          if (Number(r.kind) === REQUEST) w.requests.push(Number(r.at));
          else w.tokens.push([Number(r.at), Number(r.amount)]);
        }
        for (const c of checks) {
          const refusal = refusalOf(c, windows.get(c.scope)!, now, windowMs);
          if (refusal) return { ok: false as const, refusal };
        }
        const counted = checks.filter((c) => c.rpm !== null);
        if (counted.length > 0) {
          await trx
            .insertInto(RATE_EVENTS_TABLE)
            .values(counted.map((c) => ({ scope: c.scope, kind: REQUEST, at: now, amount: 1 })))
            .execute();
          for (const c of counted) windows.get(c.scope)!.requests.push(now);
        }
        return { ok: true as const, windows: checks.map((c) => ({ scope: c.scope, requests: windows.get(c.scope)!.requests.length, tokens: tokenSum(windows.get(c.scope)!) })) };
      });
    },
    addTokens(scopes, tokens, now) {
      // committed before the response's last bytes (the record hook waits): the next call sees them
      return store.writes.enqueue((db) =>
        db
          .insertInto(RATE_EVENTS_TABLE)
          .values(scopes.map((scope) => ({ scope, kind: TOKENS, at: now, amount: tokens })))
          .execute(),
      );
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
