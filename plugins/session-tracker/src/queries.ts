/**
 * Reads of the call log (`sy_calls`, `sy_sessions`, written by the core store module) for
 * the sessions API. Every read is scoped to the caller's owner.
 */
import { GatewayError } from '@switchyard/core';
import { keysetPage, type Page, type Store } from '@switchyard/store';
import { CALLS_TABLE, SESSIONS_TABLE, type CallLogTables, type CallRow, type SessionRow } from './call-log-schema.js';
import { sql, type Kysely } from 'kysely';

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
  /** Sessions with at least one call to this model (the name the client asked for). */
  model?: string;
  /** Sessions whose id starts with this text. */
  search?: string;
}

/** `text` as a LIKE prefix pattern, with LIKE's wildcards (and the escape) taken literally. */
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Most calls returned with one session. */
export const MAX_SESSION_CALLS = 10_000;

const db = (store: Store) => store.db as unknown as Kysely<CallLogTables>;

/**
 * A page of the owner's sessions (every owner's for `owner` undefined: an admin), most
 * recently active first.
 *
 * @example
 * ```ts
 * const page = await listSessions(store, ownerScope(req.principal), {}, { limit: 20 });
 * ```
 */
export async function listSessions(
  store: Store,
  owner: string | undefined,
  filters: SessionFilters,
  paging: { limit: number; after?: string },
): Promise<Page<SessionRow>> {
  let cursor: { sort: number; id: string } | undefined;
  if (paging.after !== undefined) {
    let c = db(store).selectFrom(SESSIONS_TABLE).select(['last_at', 'id']).where('id', '=', paging.after);
    if (owner !== undefined) c = c.where('owner', '=', owner);
    const row = await c.orderBy('last_at', 'desc').executeTakeFirst();
    if (!row) throw new GatewayError('GW_ERR_INVALID_REQUEST', `after: no session with id '${paging.after}'.`, { param: 'after', publicCode: 'invalid_value' });
    cursor = { sort: Number(row.last_at), id: row.id };
  }
  let q = db(store).selectFrom(SESSIONS_TABLE).selectAll();
  if (owner !== undefined) q = q.where('owner', '=', owner);
  if (filters.key !== undefined) q = q.where('key_id', '=', filters.key);
  if (filters.user !== undefined) {
    const user = filters.user;
    q = q.where((eb) => eb.or([eb('user_id', '=', user), eb('end_user', '=', user)]));
  }
  if (filters.from !== undefined) q = q.where('last_at', '>=', filters.from);
  if (filters.to !== undefined) q = q.where('first_at', '<=', filters.to);
  if (filters.search !== undefined) q = q.where(sql<boolean>`${sql.ref(`${SESSIONS_TABLE}.id`)} like ${likePrefix(filters.search)} escape '\\'`);
  if (filters.model !== undefined) {
    const model = filters.model;
    // through the session index of the calls (owner, session_id, started_at): a probe per session row
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom(CALLS_TABLE)
          .select(sql.lit(1).as('one'))
          .whereRef(`${CALLS_TABLE}.owner`, '=', `${SESSIONS_TABLE}.owner`)
          .whereRef(`${CALLS_TABLE}.session_id`, '=', `${SESSIONS_TABLE}.id`)
          .where(`${CALLS_TABLE}.model`, '=', model),
      ),
    );
  }
  return keysetPage(q, { sortColumn: 'last_at', idColumn: 'id', direction: 'desc', limit: paging.limit, after: cursor });
}

/** A session and one page of its calls in order. */
export interface SessionDetail {
  session: SessionRow;
  calls: Array<CallRow & { bodies_omitted?: boolean }>;
  /** True when the session has calls after this page (ask again with `after` = the last call's id). */
  truncated: boolean;
}

/** How a session is read: one page of calls, with stored bodies up to a byte budget. */
export interface SessionReadOptions {
  /** Include stored request and response bodies. */
  bodies: boolean;
  /** Calls per page (default and most: {@link MAX_SESSION_CALLS}). */
  limit?: number;
  /** Id of the last call of the previous page. */
  after?: string;
  /** Most body bytes in one answer (default 8 MB); calls past it come without bodies. */
  bodyBudget?: number;
  /** Most body bytes of one call (default 2 MB); a bigger call comes without bodies. */
  callBodyLimit?: number;
}

/** Bodies of this many calls are read per query. */
const BODY_BATCH = 200;

/**
 * One session of the owner with a page of its calls, oldest first; undefined when the owner
 * has no such session (another owner's session is "not found" too). For `owner` undefined (an
 * admin) the most recently active session with that id, whoever owns it. Bodies are read only
 * for the calls that fit the byte budget (sizes are asked of the database first), so a
 * session of huge stored calls never loads them all into memory.
 *
 * @example
 * ```ts
 * const detail = await getSession(store, ownerScope(req.principal), 'chat-42', { bodies: true, limit: 100 });
 * ```
 */
export async function getSession(store: Store, scope: string | undefined, id: string, options: SessionReadOptions): Promise<SessionDetail | undefined> {
  let s = db(store).selectFrom(SESSIONS_TABLE).selectAll().where('id', '=', id);
  if (scope !== undefined) s = s.where('owner', '=', scope);
  const session = await s.orderBy('last_at', 'desc').executeTakeFirst();
  if (!session) return undefined;
  const owner = session.owner;
  const limit = Math.min(options.limit ?? MAX_SESSION_CALLS, MAX_SESSION_CALLS);
  let q = db(store)
    .selectFrom(CALLS_TABLE)
    .select(CALL_COLUMNS_WITHOUT_BODIES)
    .select(sql<number>`coalesce(length(request_body), 0) + coalesce(length(response_body), 0)`.as('body_bytes'))
    .where('owner', '=', owner)
    .where('session_id', '=', id);
  if (options.after) {
    const cursor = await db(store).selectFrom(CALLS_TABLE).select(['started_at', 'id']).where('owner', '=', owner).where('id', '=', options.after).executeTakeFirst();
    if (!cursor) throw new GatewayError('GW_ERR_INVALID_REQUEST', `No call '${options.after}' in this session to page after.`, { param: 'after', publicCode: 'invalid_value' });
    const t = Number(cursor.started_at);
    q = q.where((eb) => eb.or([eb('started_at', '>', t), eb.and([eb('started_at', '=', t), eb('id', '>', cursor.id)])]));
  }
  const rows = await q.orderBy('started_at', 'asc').orderBy('id', 'asc').limit(limit + 1).execute();
  const truncated = rows.length > limit;
  const page = (truncated ? rows.slice(0, limit) : rows) as Array<CallRow & { body_bytes?: unknown; bodies_omitted?: boolean }>;
  if (options.bodies) await attachBodies(store, page, options.bodyBudget ?? 8 * 1024 * 1024, options.callBodyLimit ?? 2 * 1024 * 1024);
  for (const c of page) delete c.body_bytes;
  return { session, calls: page, truncated };
}

/** Reads the bodies of the calls that fit the budget; the others are marked `bodies_omitted`. */
async function attachBodies(store: Store, calls: Array<CallRow & { body_bytes?: unknown; bodies_omitted?: boolean }>, budget: number, perCall: number): Promise<void> {
  const wanted: typeof calls = [];
  let total = 0;
  for (const c of calls) {
    const bytes = Number(c.body_bytes ?? 0);
    if (bytes === 0) {
      c.request_body = null;
      c.response_body = null;
    } else if (bytes <= perCall && total + bytes <= budget) {
      total += bytes;
      wanted.push(c);
    } else {
      c.request_body = null;
      c.response_body = null;
      c.bodies_omitted = true;
    }
  }
  for (let i = 0; i < wanted.length; i += BODY_BATCH) {
    const batch = wanted.slice(i, i + BODY_BATCH);
    const bodies = await db(store)
      .selectFrom(CALLS_TABLE)
      .select(['id', 'request_body', 'response_body'])
      .where('id', 'in', batch.map((c) => c.id))
      .execute();
    const byId = new Map(bodies.map((b) => [b.id, b]));
    for (const c of batch) {
      const b = byId.get(c.id);
      c.request_body = b?.request_body ?? null;
      c.response_body = b?.response_body ?? null;
    }
  }
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
  'attempts',
  'response_id',
  'previous_response_id',
] as const satisfies ReadonlyArray<keyof CallRow>;
