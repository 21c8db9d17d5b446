/**
 * Reads of the call log (`sy_calls`, `sy_sessions`, written by the core store module) for
 * the sessions API. Every read is scoped to the caller's owner.
 */
import {
  CALLS_TABLE,
  GatewayError,
  keysetPage,
  SESSIONS_TABLE,
  type CallLogTables,
  type CallRow,
  type Page,
  type SessionRow,
  type Store,
} from '@switchyard/core';
import type { Kysely } from 'kysely';

/** Filters of `GET /v1/sessions`. */
export interface SessionFilters {
  /** Key id that made the calls. */
  key?: string;
  /** Principal user id or end user (`user` field). */
  user?: string;
  /** Sessions active at or after this time (epoch ms). */
  from?: number;
  /** Sessions active at or before this time (epoch ms). */
  to?: number;
}

/** Most calls returned with one session. */
export const MAX_SESSION_CALLS = 10_000;

const db = (store: Store) => store.db as unknown as Kysely<CallLogTables>;

/**
 * A page of the owner's sessions, most recently active first.
 *
 * @example
 * ```ts
 * const page = await listSessions(store, '', {}, { limit: 20 });
 * ```
 */
export async function listSessions(
  store: Store,
  owner: string,
  filters: SessionFilters,
  paging: { limit: number; after?: string },
): Promise<Page<SessionRow>> {
  let cursor: { sort: number; id: string } | undefined;
  if (paging.after !== undefined) {
    const row = await db(store).selectFrom(SESSIONS_TABLE).select(['last_at', 'id']).where('owner', '=', owner).where('id', '=', paging.after).executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_INVALID_REQUEST', `after: no session with id '${paging.after}'.`, { param: 'after', publicCode: 'invalid_value' });
    cursor = { sort: Number(row.last_at), id: row.id };
  }
  let q = db(store).selectFrom(SESSIONS_TABLE).selectAll().where('owner', '=', owner);
  if (filters.key !== undefined) q = q.where('key_id', '=', filters.key);
  if (filters.user !== undefined) {
    const user = filters.user;
    q = q.where((eb) => eb.or([eb('user_id', '=', user), eb('end_user', '=', user)]));
  }
  if (filters.from !== undefined) q = q.where('last_at', '>=', filters.from);
  if (filters.to !== undefined) q = q.where('first_at', '<=', filters.to);
  return keysetPage(q, { sortColumn: 'last_at', idColumn: 'id', direction: 'desc', limit: paging.limit, after: cursor });
}

/** A session and its calls in order. */
export interface SessionDetail {
  session: SessionRow;
  calls: CallRow[];
  /** True when the session has more than {@link MAX_SESSION_CALLS} calls. */
  truncated: boolean;
}

/**
 * One session of the owner with its calls, oldest first; undefined when the owner has no such
 * session (another owner's session is "not found" too).
 *
 * @example
 * ```ts
 * const detail = await getSession(store, ownerOf(req.principal), 'chat-42');
 * ```
 */
export async function getSession(store: Store, owner: string, id: string, options: { bodies: boolean }): Promise<SessionDetail | undefined> {
  const session = await db(store).selectFrom(SESSIONS_TABLE).selectAll().where('owner', '=', owner).where('id', '=', id).executeTakeFirst();
  if (!session) return undefined;
  const q = db(store).selectFrom(CALLS_TABLE).where('owner', '=', owner).where('session_id', '=', id);
  const calls: CallRow[] = options.bodies
    ? await q.selectAll().orderBy('started_at', 'asc').orderBy('id', 'asc').limit(MAX_SESSION_CALLS + 1).execute()
    : ((await q.select(CALL_COLUMNS_WITHOUT_BODIES).orderBy('started_at', 'asc').orderBy('id', 'asc').limit(MAX_SESSION_CALLS + 1).execute()) as CallRow[]);
  const truncated = calls.length > MAX_SESSION_CALLS;
  return { session, calls: truncated ? calls.slice(0, MAX_SESSION_CALLS) : calls, truncated };
}

const CALL_COLUMNS_WITHOUT_BODIES = [
  'id',
  'request_id',
  'operation',
  'endpoint',
  'model',
  'deployment_id',
  'provider',
  'upstream_model',
  'upstream_request_id',
  'stream',
  'outcome',
  'status',
  'error_code',
  'error_message',
  'started_at',
  'first_token_at',
  'ended_at',
  'input_tokens',
  'output_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost',
  'owner',
  'key_id',
  'user_id',
  'team_id',
  'end_user',
  'session_id',
  'metadata',
] as const satisfies ReadonlyArray<keyof CallRow>;
