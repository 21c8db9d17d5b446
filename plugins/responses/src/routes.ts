/**
 * The Responses routes: create, retrieve, delete, input items, cancel.
 */
import { canSee, createCallContext, GatewayError, ownerScope, validate, z, type Deployment, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import { readJson } from '@switchyard/upstream';
import { BACKGROUND_KIND, settleOrphan } from './background.js';
import { createResponse } from './create.js';
import type { ResponsesDeps } from './deps.js';
import type { StoredResponse } from './repo.js';
import type { Item, ResponseObject } from './types.js';

const notFound = (id: string, param: string | null = null, code = 'not_found') =>
  new GatewayError('GW_ERR_NOT_FOUND', `Response with id '${id}' not found.`, { param, publicCode: code });

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  after: z.string().min(1).optional(),
});

/** Finds a deployment by id (configured, or a `provider/model` name). */
function deploymentById(deps: ResponsesDeps, id: string): Deployment | undefined {
  return deps.api.models.deployments.find((d) => d.id === id) ?? deps.api.models.lookup(id)[0];
}

/** Resolves a client-given id to the caller's stored response (or a native reference). */
export async function find(deps: ResponsesDeps, req: RouteRequest, id: string) {
  const scope = ownerScope(req.principal);
  if (deps.ids.isNative(id)) {
    const ref = deps.ids.decode(id);
    if (!ref || !canSee(req.principal, ref.owner)) return undefined; // tampered, or another tenant's
    const deployment = deploymentById(deps, ref.deployment);
    if (!deployment) return undefined;
    return { ref, deployment, stored: await deps.repo.get(id, scope) };
  }
  const stored = await deps.repo.get(id, scope);
  return stored ? { ref: undefined, deployment: undefined, stored } : undefined;
}

/** The caller's response named by the route's `:id`, or a 404. */
async function mustFind(deps: ResponsesDeps, req: RouteRequest) {
  const id = req.params.id!;
  const found = await find(deps, req, id);
  if (!found) throw notFound(id);
  return { id, ...found };
}

function page(items: Item[], query: RouteRequest['query']) {
  const q = validate(ListQuery, query);
  const ordered = q.order === 'asc' ? items : [...items].reverse();
  let start = 0;
  if (q.after) {
    const i = ordered.findIndex((x) => x.id === q.after);
    if (i < 0) throw new GatewayError('GW_ERR_INVALID_REQUEST', `No item with id '${q.after}' in this list.`, { param: 'after' });
    start = i + 1;
  }
  const data = ordered.slice(start, start + q.limit);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + q.limit < ordered.length };
}

/**
 * The Responses API routes.
 *
 * @example
 * ```ts
 * for (const route of responsesRoutes(deps)) gateway.addRoute(route);
 * ```
 */
export function responsesRoutes(deps: ResponsesDeps): RouteDefinition[] {
  const { api, repo } = deps;
  const passthrough = async (req: RouteRequest, deployment: Deployment, method: 'GET' | 'POST' | 'DELETE', path: string, query?: string) => {
    const adapter = api.providers.get(deployment.provider);
    if (!adapter?.passthrough) throw new GatewayError('GW_ERR_NOT_FOUND', 'This response is no longer reachable.', { publicCode: 'not_found' });
    const ctx = createCallContext({ requestId: req.requestId, operation: 'responses', endpoint: req.path, headers: req.headers, signal: req.signal, principal: req.principal });
    const res = await adapter.passthrough({ method, path, query }, { deployment, ctx, signal: req.signal });
    return readJson<Record<string, unknown>>(res, deployment.provider);
  };
  const rewriteIds = (r: ResponseObject, id: string, stored?: StoredResponse): ResponseObject => ({
    ...r,
    id,
    model: stored?.response.model ?? r.model,
    previous_response_id: stored?.previousId ?? null,
    // the gateway's conversation id, never the upstream's
    ...(stored?.response.conversation ? { conversation: stored.response.conversation } : r.conversation ? { conversation: null } : {}),
  });

  return [
    {
      method: 'POST',
      path: '/v1/responses',
      handler: (req) => createResponse(deps, req),
    },
    {
      method: 'GET',
      path: '/v1/responses/:id',
      async handler(req) {
        const { id, ...found } = await mustFind(deps, req);
        if (found.ref && found.deployment) {
          const r = (await passthrough(req, found.deployment, 'GET', `/responses/${encodeURIComponent(found.ref.upstreamId)}`)) as unknown as ResponseObject;
          return { body: rewriteIds(r, id, found.stored) };
        }
        return { body: (await settleOrphan(deps, found.stored!)).response };
      },
    },
    {
      method: 'DELETE',
      path: '/v1/responses/:id',
      async handler(req) {
        const { id, ...found } = await mustFind(deps, req);
        if (found.ref && found.deployment) {
          try {
            await passthrough(req, found.deployment, 'DELETE', `/responses/${encodeURIComponent(found.ref.upstreamId)}`);
          } catch (err) {
            if (!(err instanceof GatewayError && err.status === 404 && found.stored)) throw err;
          }
        }
        await repo.delete(id, ownerScope(req.principal));
        return { body: { id, object: 'response', deleted: true } };
      },
    },
    {
      method: 'GET',
      path: '/v1/responses/:id/input_items',
      async handler(req) {
        const found = await mustFind(deps, req);
        if (found.stored) return { body: page(found.stored.input, req.query) };
        const query = new URLSearchParams(req.query as Record<string, string>).toString();
        return { body: await passthrough(req, found.deployment!, 'GET', `/responses/${encodeURIComponent(found.ref!.upstreamId)}/input_items`, query) };
      },
    },
    {
      method: 'POST',
      path: '/v1/responses/:id/cancel',
      body: 'none',
      async handler(req) {
        const { id, ...found } = await mustFind(deps, req);
        if (found.ref && found.deployment) {
          const r = (await passthrough(req, found.deployment, 'POST', `/responses/${encodeURIComponent(found.ref.upstreamId)}/cancel`)) as unknown as ResponseObject;
          return { body: rewriteIds(r, id, found.stored) };
        }
        const stored = found.stored!;
        if (!stored.background) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Only background responses can be cancelled.', { param: 'response_id', publicCode: 'not_cancellable' });
        }
        if (stored.status === 'queued' || stored.status === 'in_progress') {
          const cancelled = { ...stored, status: 'cancelled' as const, response: { ...stored.response, status: 'cancelled' as const } };
          // the row first: a run that ends meanwhile does not overwrite it (updates are conditional)
          if (await repo.updateIf(cancelled, ['queued', 'in_progress'])) {
            // the job's cancel aborts the call at once here, at its next heartbeat in another process
            const job = await deps.store.jobs.find(BACKGROUND_KIND, id);
            if (job) await deps.store.jobs.cancel(job.id);
            return { body: cancelled.response };
          }
          return { body: (await repo.get(id, ownerScope(req.principal)))!.response };
        }
        return { body: stored.response };
      },
    },
  ];
}
