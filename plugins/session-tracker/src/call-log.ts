/**
 * Recording calls: a `log` observer turns each {@link CallEvent} into one `sy_calls` row and,
 * when the call belongs to a session, folds it into that session's `sy_sessions` totals in
 * the same transaction. Writes go through the store's batcher (never on the request path).
 */
import { sql } from 'kysely';
import { ownerOf, toCallRecord, type CallEvent } from '@switchyard/core';
import { compiledWrite, toJsonColumn, type AnyKysely, type Store } from '@switchyard/store';
import { CALLS_TABLE, SESSIONS_TABLE, type CallLogTables, type CallRow, type SessionRow } from './call-log-schema.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : null);
const cut = (v: string | null, max: number): string | null => (v && v.length > max ? v.slice(0, max) : v);

/**
 * The `sy_calls` row of a finished call, from the same {@link toCallRecord} every logger
 * writes (one place decides what a call record holds). Bodies are kept only when prompts are
 * stored (`storePrompts`, or `ctx.state.storePrompts` per call), then untruncated.
 *
 * @example
 * ```ts
 * const row = callRowOf(event, gateway.settings.storePrompts);
 * ```
 */
export function callRowOf(event: CallEvent, storePrompts: boolean): CallRow {
  const { ctx } = event;
  const keep = ctx.state.storePrompts ?? storePrompts;
  const r = toCallRecord(event, { redact: !keep });
  return {
    id: `call_${r.id.replaceAll('-', '')}`,
    request_id: cut(r.requestId, 200) ?? '',
    operation: cut(r.operation, 64) ?? '',
    endpoint: cut(r.endpoint, 200) ?? '',
    model: cut(str(r.model), 256),
    deployment_id: cut(r.deployment ?? null, 256),
    provider: cut(r.provider ?? null, 100),
    upstream_model: cut(r.upstreamModel ?? null, 256),
    upstream_request_id: cut(ctx.attempts[ctx.attempts.length - 1]?.upstreamRequestId ?? null, 256),
    stream: r.stream ? 1 : 0,
    outcome: r.outcome,
    status: r.status,
    error_code: cut(event.error ? (event.error.publicCode ?? event.error.code) : null, 100),
    error_message: r.error?.message ?? null,
    started_at: ctx.startedAt,
    first_token_at: ctx.firstTokenAt ?? null,
    ended_at: ctx.endedAt ?? null,
    input_tokens: int(r.inputTokens),
    output_tokens: int(r.outputTokens),
    cached_tokens: int(r.cachedTokens),
    reasoning_tokens: int(r.reasoningTokens),
    total_tokens: int(ctx.usage?.total_tokens),
    cost: typeof r.cost === 'number' && Number.isFinite(r.cost) ? r.cost : null,
    owner: ownerOf(ctx.principal),
    key_id: cut(r.keyId ?? null, 256),
    user_id: cut(r.userId ?? null, 256),
    team_id: cut(r.teamId ?? null, 256),
    end_user: cut(str(r.endUser), 256),
    session_id: cut(r.sessionId ?? null, 256),
    metadata: toJsonColumn(r.metadata),
    attempts: ctx.attempts.length > 1 ? toJsonColumn(attemptsOf(ctx)) : null,
    request_body: keep ? toJsonColumn(r.request) : null,
    response_body: keep ? toJsonColumn(r.response) : null,
    response_id: cut(r.responseId ?? null, 256),
    previous_response_id: cut(str(previousResponseId(event)), 256),
  };
}

/** The attempts of a call as the call log keeps them. */
function attemptsOf(ctx: CallEvent['ctx']) {
  return ctx.attempts.map((a) => ({
    deployment: a.deployment.id,
    status: a.status ?? null,
    error: a.error ? (a.error.publicCode ?? a.error.code) : null,
    started_at: a.startedAt,
    ended_at: a.endedAt ?? null,
  }));
}

/** The `previous_response_id` the call continued from (a native call's is in its payload). */
function previousResponseId(event: CallEvent): unknown {
  return event.request?.previous_response_id ?? (event.payload?.request as { previous_response_id?: unknown } | undefined)?.previous_response_id;
}

/** The session totals one call contributes. */
function sessionDelta(row: CallRow): SessionRow {
  return {
    owner: row.owner,
    id: row.session_id!,
    key_id: row.key_id,
    team_id: row.team_id,
    user_id: row.user_id,
    end_user: row.end_user,
    first_at: row.started_at,
    last_at: row.started_at,
    call_count: 1,
    error_count: row.outcome === 'error' ? 1 : 0,
    input_tokens: row.input_tokens ?? 0,
    output_tokens: row.output_tokens ?? 0,
    cached_tokens: row.cached_tokens ?? 0,
    reasoning_tokens: row.reasoning_tokens ?? 0,
    cost: row.cost,
  };
}

/**
 * Writes one call (and its session totals) with `db`, typically inside a batch transaction.
 *
 * @example
 * ```ts
 * await store.transaction((trx) => writeCall(trx, row));
 * ```
 */
export async function writeCall(db: AnyKysely, row: CallRow): Promise<void> {
  await insertCall(db, row);
  if (row.session_id) await upsertSession(db, sessionDelta(row));
}

const insertCall = compiledWrite((db, row: CallRow) => db.withTables<CallLogTables>().insertInto(CALLS_TABLE).values(row));

const s = SESSIONS_TABLE;
const upsertSession = compiledWrite((db, delta: SessionRow) =>
  db
    .withTables<CallLogTables>()
    .insertInto(SESSIONS_TABLE)
    .values(delta)
    .onConflict((oc) =>
      oc.columns(['owner', 'id']).doUpdateSet({
        first_at: sql<number>`case when excluded.first_at < ${sql.ref(`${s}.first_at`)} then excluded.first_at else ${sql.ref(`${s}.first_at`)} end`,
        last_at: sql<number>`case when excluded.last_at > ${sql.ref(`${s}.last_at`)} then excluded.last_at else ${sql.ref(`${s}.last_at`)} end`,
        call_count: sql<number>`${sql.ref(`${s}.call_count`)} + 1`,
        error_count: sql<number>`${sql.ref(`${s}.error_count`)} + excluded.error_count`,
        input_tokens: sql<number>`${sql.ref(`${s}.input_tokens`)} + excluded.input_tokens`,
        output_tokens: sql<number>`${sql.ref(`${s}.output_tokens`)} + excluded.output_tokens`,
        cached_tokens: sql<number>`${sql.ref(`${s}.cached_tokens`)} + excluded.cached_tokens`,
        reasoning_tokens: sql<number>`${sql.ref(`${s}.reasoning_tokens`)} + excluded.reasoning_tokens`,
        cost: sql<number | null>`case when excluded.cost is null then ${sql.ref(`${s}.cost`)} else coalesce(${sql.ref(`${s}.cost`)}, 0) + excluded.cost end`,
        end_user: sql<string | null>`coalesce(excluded.end_user, ${sql.ref(`${s}.end_user`)})`,
      }),
    ),
);

/**
 * Records a finished call through the store's write batcher; resolves once it is committed.
 *
 * @example
 * ```ts
 * gateway.hooks.record.tapPromise(NAME, (event) => recordCall(store, event, gateway.settings.storePrompts));
 * ```
 */
export function recordCall(store: Store, event: CallEvent, storePrompts: boolean): Promise<void> {
  const row = callRowOf(event, storePrompts);
  return store.writes.enqueue((db) => writeCall(db, row));
}

/**
 * Deletes calls that started before `before` (epoch ms) and sessions whose last call did.
 * A session still active keeps its totals, which then also count its pruned calls.
 *
 * @example
 * ```ts
 * await pruneCallLog(store, Date.now() - 30 * 86_400_000);
 * ```
 */
export async function pruneCallLog(store: Store, before: number): Promise<void> {
  await store.transaction(async (trx) => {
    const t = trx.withTables<CallLogTables>();
    await t.deleteFrom(CALLS_TABLE).where('started_at', '<', before).execute();
    await t.deleteFrom(SESSIONS_TABLE).where('last_at', '<', before).execute();
  });
}
