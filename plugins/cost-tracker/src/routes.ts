/**
 * `GET /spend/logs` and `GET /spend/report`.
 */
import { GatewayError, validate, z, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import { DIMENSIONS, type Dimension, type SpendFilter, type SpendRepo } from './spend-repo.js';

const time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.iso.date().transform((s) => Date.parse(s))]);
const Filters = {
  key: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  end_user: z.string().min(1).optional(),
  session: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  from: time.optional(),
  to: time.optional(),
};
const LogsQuery = z.strictObject({ ...Filters, limit: z.coerce.number().int().min(1).max(1000).default(50), after: z.string().min(1).optional() });
const ReportQuery = z.strictObject({ ...Filters, group_by: z.enum(['day', ...(Object.keys(DIMENSIONS) as Dimension[])]).default('day') });

/**
 * A caller with a key sees only that key's spend (another key's filter finds nothing: lists
 * never show another tenant); an admin sees everyone's; anonymous callers (no auth plugin)
 * see all, as everything is theirs.
 */
function scoped(f: SpendFilter, req: RouteRequest): SpendFilter | undefined {
  const { keyId, admin } = req.principal;
  if (admin || keyId === undefined) return f;
  if (f.key !== undefined && f.key !== keyId) return undefined;
  return { ...f, key: keyId };
}

/**
 * The spend routes.
 *
 * @example
 * ```ts
 * for (const r of spendRoutes(repo, () => flush())) routes.add(r);
 * ```
 */
export function spendRoutes(spend: SpendRepo, flush: () => Promise<void>): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/spend/logs',
      async handler(req) {
        const { limit, after, ...filters } = validate(LogsQuery, req.query);
        await flush();
        const scope = scoped(filters, req);
        let before;
        if (after) {
          const row = await spend.get(after);
          // another key's row is no cursor either: its id tells nothing
          if (!row || (scope?.key !== undefined && row.key_id !== scope.key)) {
            throw new GatewayError('GW_ERR_INVALID_REQUEST', `No spend log with id '${after}'.`, { param: 'after' });
          }
          before = { created_at: Number(row.created_at), id: row.id };
        }
        const rows = scope ? await spend.list(scope, { limit: limit + 1, before }) : [];
        const data = rows.slice(0, limit);
        return { body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: rows.length > limit } };
      },
    },
    {
      method: 'GET',
      path: '/spend/report',
      async handler(req) {
        const { group_by, ...filters } = validate(ReportQuery, req.query);
        await flush();
        const scope = scoped(filters, req);
        const data = scope ? await spend.report(scope, group_by) : [];
        const total = data.reduce(
          (t, r) => ({
            requests: t.requests + r.requests,
            input_tokens: t.input_tokens + r.input_tokens,
            output_tokens: t.output_tokens + r.output_tokens,
            cost: r.cost === null ? t.cost : (t.cost ?? 0) + r.cost,
            unpriced_requests: t.unpriced_requests + r.unpriced_requests,
          }),
          { requests: 0, input_tokens: 0, output_tokens: 0, cost: null as number | null, unpriced_requests: 0 },
        );
        return { body: { object: 'spend.report', group_by, data, total } };
      },
    },
  ];
}
