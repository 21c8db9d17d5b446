/**
 * `GET /v1/sessions` and `GET /v1/sessions/{id}`.
 */
import { GatewayError, ownerScope, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import { parseLimit, type Store } from '@switchyard/store';
import { conversationOf, sessionCall, sessionSummary } from './format.js';
import { getSession, listSessions, MAX_SESSION_CALLS, type SessionFilters } from './queries.js';

const one = (v: string | string[] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
};

/** Parses a time filter: unix seconds, epoch milliseconds (13+ digits) or an ISO 8601 date. */
function parseTime(raw: string | undefined, param: string): number | undefined {
  if (raw === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return raw.split('.')[0]!.length >= 13 ? n : n * 1000;
  }
  const t = Date.parse(raw);
  if (Number.isNaN(t)) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `${param} must be unix seconds or an ISO 8601 date.`, { param, publicCode: 'invalid_value' });
  }
  return t;
}

function flag(raw: string | undefined, param: string, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `${param} must be true or false.`, { param, publicCode: 'invalid_value' });
}

const notFound = (id: string) =>
  new GatewayError('GW_ERR_NOT_FOUND', `No session found with id '${id}'.`, { param: 'session_id', publicCode: 'session_not_found' });

/**
 * The sessions routes over `store`. Each read first commits the writes still queued (a call's
 * record is written after its response), so a client that reads its session right after a
 * call sees that call.
 *
 * @example
 * ```ts
 * for (const route of sessionRoutes(store)) gateway.addRoute(route);
 * ```
 */
export function sessionRoutes(store: Store): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/v1/sessions',
      body: 'none',
      async handler(req: RouteRequest) {
        const q = req.query;
        const filters: SessionFilters = {
          key: one(q.key),
          user: one(q.user),
          from: parseTime(one(q.from), 'from'),
          to: parseTime(one(q.to), 'to'),
          model: one(q.model),
          search: one(q.search),
        };
        const limit = parseLimit(one(q.limit), { fallback: 20, max: 100 });
        await store.writes.flush();
        const page = await listSessions(store, ownerScope(req.principal), filters, { limit, after: one(q.after) });
        const data = page.rows.map(sessionSummary);
        return {
          body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: page.hasMore },
        };
      },
    },
    {
      method: 'GET',
      path: '/v1/sessions/:id',
      body: 'none',
      async handler(req: RouteRequest) {
        const id = req.params.id ?? '';
        const bodies = flag(one(req.query.include_bodies), 'include_bodies', true);
        await store.writes.flush(); // read your writes: what is queued is committed first
        const limit = parseLimit(one(req.query.limit), { fallback: MAX_SESSION_CALLS, max: MAX_SESSION_CALLS });
        // an admin reads anyone's session; `key` picks among sessions of the same id
        const scope = ownerScope(req.principal) ?? one(req.query.key);
        const detail = await getSession(store, scope, id, { bodies, limit, after: one(req.query.after) });
        if (!detail) throw notFound(id);
        const calls = detail.calls.map(sessionCall);
        const ends = detail.calls.map((c) => Number(c.ended_at ?? c.started_at));
        const first = detail.calls[0] ? Number(detail.calls[0].started_at) : undefined;
        const conversation = bodies ? conversationOf(calls) : undefined;
        return {
          body: {
            ...sessionSummary(detail.session),
            duration_ms: first === undefined ? 0 : Math.round((Math.max(...ends) - first) * 1000) / 1000,
            models: [...new Set(detail.calls.map((c) => c.model).filter((m): m is string => !!m))],
            calls,
            calls_has_more: detail.truncated,
            calls_last_id: calls.at(-1)?.id ?? null,
            calls_truncated: detail.truncated,
            ...(conversation ? { conversation } : {}),
          },
        };
      },
    },
  ];
}
