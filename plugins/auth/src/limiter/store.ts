/**
 * Windows in the gateway's database, so every process on it shares them. Each scope keeps its
 * events (a request, or a finished call's tokens) and, in `sy_rate_scopes`, the running count
 * and token sum of those still in the window: an admission reads the sums and removes only the
 * events that just left, so a busy window costs no more than a quiet one. Every change of a
 * scope happens under its row lock (`for update` on PostgreSQL, taken in scope order so two
 * calls never deadlock; SQLite's `BEGIN IMMEDIATE` serialises every writer anyway).
 */
import { sql } from 'kysely';
import type { Store } from '@switchyard/store';
import { RATE_EVENTS_TABLE, RATE_SCOPES_TABLE } from '../migrations.js';
import { WINDOW_MS, type LimitCheck, type Limiter, type Refusal, type Verdict, type WindowUsage } from './types.js';

const REQUEST = 0;
const TOKENS = 1;

type Db = Parameters<Parameters<Store['transaction']>[0]>[0];

/** Creates (if new) and locks the scopes' rows, in scope order. */
async function lockScopes(trx: Db, dialect: Store['dialect'], scopes: readonly string[]): Promise<void> {
  await trx
    .insertInto(RATE_SCOPES_TABLE)
    .values(scopes.map((scope) => ({ scope, requests: 0, tokens: 0 })))
    .onConflict((oc) => oc.column('scope').doNothing())
    .execute();
  if (dialect === 'postgres') await trx.selectFrom(RATE_SCOPES_TABLE).select('scope').where('scope', 'in', scopes).orderBy('scope').forUpdate().execute();
}

/** Removes the (locked) scopes' events that left the window, and takes them off the sums. */
async function expire(trx: Db, scopes: readonly string[], edge: number): Promise<void> {
  const gone = (await trx
    .selectFrom(RATE_EVENTS_TABLE)
    .select(['scope', 'kind', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum('amount').as('total')])
    .where('scope', 'in', scopes)
    .where('at', '<=', edge)
    .groupBy(['scope', 'kind'])
    .execute()) as Array<{ scope: string; kind: number | string; n: number | string; total: number | string | null }>;
  if (gone.length === 0) return;
  for (const g of gone) {
    const column = Number(g.kind) === REQUEST ? 'requests' : 'tokens';
    const by = Number(g.kind) === REQUEST ? Number(g.n) : Number(g.total ?? 0);
    await trx
      .updateTable(RATE_SCOPES_TABLE)
      .set({ [column]: sql`${sql.ref(column)} - ${by}` })
      .where('scope', '=', g.scope)
      .execute();
  }
  await trx.deleteFrom(RATE_EVENTS_TABLE).where('scope', 'in', scopes).where('at', '<=', edge).execute();
}

/** When a refused scope has room: read only on a refusal, the event whose leaving makes it. */
async function retryAfter(trx: Db, check: LimitCheck, kind: 'requests' | 'tokens', used: number, now: number, windowMs: number): Promise<number> {
  const base = trx.selectFrom(RATE_EVENTS_TABLE).where('scope', '=', check.scope).where('at', '>', now - windowMs).orderBy('at');
  if (kind === 'requests') {
    if (check.rpm === 0) return windowMs;
    const row = (await base.select('at').where('kind', '=', REQUEST).offset(used - check.rpm!).limit(1).executeTakeFirst()) as { at: number } | undefined;
    return Math.max(1, Number(row?.at ?? now) + windowMs - now);
  }
  const rows = (await base.select(['at', 'amount']).where('kind', '=', TOKENS).execute()) as Array<{ at: number; amount: number | string }>;
  let left = used;
  for (const r of rows) {
    left -= Number(r.amount);
    if (left < check.tpm!) return Math.max(1, Number(r.at) + windowMs - now);
  }
  return windowMs;
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
  // scopes nobody checks any more still get their old events removed, now and then
  const sweep = setInterval(() => {
    const edge = Date.now() - windowMs;
    void store
      .transaction(async (trx) => {
        const stale = (await trx.selectFrom(RATE_EVENTS_TABLE).select('scope').distinct().where('at', '<=', edge).limit(500).execute()) as Array<{ scope: string }>;
        if (stale.length === 0) return;
        const scopes = stale.map((r) => r.scope).sort();
        await lockScopes(trx, store.dialect, scopes);
        await expire(trx, scopes, edge);
      })
      .catch(() => undefined); // the next admission of each scope does the same
  }, 5 * windowMs);
  sweep.unref();
  return {
    kind: 'store',
    admit(checks, now): Promise<Verdict> {
      const scopes = [...new Set(checks.map((c) => c.scope))].sort();
      return store.transaction(async (trx) => {
        await lockScopes(trx, store.dialect, scopes);
        await expire(trx, scopes, now - windowMs);
        const rows = (await trx.selectFrom(RATE_SCOPES_TABLE).selectAll().where('scope', 'in', scopes).execute()) as Array<{ scope: string; requests: number | string; tokens: number | string }>;
        const usage = new Map<string, WindowUsage>(rows.map((r) => [r.scope, { scope: r.scope, requests: Number(r.requests), tokens: Number(r.tokens) }]));
        for (const c of checks) {
          const u = usage.get(c.scope)!;
          const kind = c.rpm !== null && u.requests >= c.rpm ? 'requests' : c.tpm !== null && u.tokens >= c.tpm ? 'tokens' : undefined;
          if (!kind) continue;
          const used = kind === 'requests' ? u.requests : u.tokens;
          const refusal: Refusal = { scope: c.scope, kind, limit: kind === 'requests' ? c.rpm! : c.tpm!, used, retryAfterMs: await retryAfter(trx, c, kind, used, now, windowMs) };
          return { ok: false as const, refusal };
        }
        const counted = checks.filter((c) => c.rpm !== null).map((c) => c.scope);
        if (counted.length > 0) {
          await trx
            .insertInto(RATE_EVENTS_TABLE)
            .values(counted.map((scope) => ({ scope, kind: REQUEST, at: now, amount: 1 })))
            .execute();
          await trx
            .updateTable(RATE_SCOPES_TABLE)
            .set({ requests: sql`requests + 1` })
            .where('scope', 'in', counted)
            .execute();
          for (const scope of counted) usage.get(scope)!.requests++;
        }
        return { ok: true as const, windows: checks.map((c) => ({ ...usage.get(c.scope)! })) };
      });
    },
    addTokens(scopes, tokens, now) {
      const amount = Math.max(0, Math.round(tokens));
      const sorted = [...scopes].sort();
      // its own transaction, locking in scope order like admissions (a shared batch could
      // deadlock with them); committed before the response's last bytes (the record hook waits)
      return store.transaction(async (db) => {
        await db
          .insertInto(RATE_SCOPES_TABLE)
          .values(sorted.map((scope) => ({ scope, requests: 0, tokens: amount })))
          .onConflict((oc) => oc.column('scope').doUpdateSet({ tokens: sql`${sql.ref(`${RATE_SCOPES_TABLE}.tokens`)} + ${amount}` }))
          .execute();
        await db
          .insertInto(RATE_EVENTS_TABLE)
          .values(sorted.map((scope) => ({ scope, kind: TOKENS, at: now, amount })))
          .execute();
      });
    },
    async close() {
      clearInterval(sweep);
    },
  };
}
