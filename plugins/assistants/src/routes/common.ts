/**
 * What every Assistants route shares: the caller's own objects found by path id (another
 * owner's is a 404, as one that never existed), list pages in the API's list shape.
 */
import { GatewayError, ownerScope, validate, type RouteRequest } from '@switchyard/core';
import type { AssistantsDeps } from '../deps.js';
import { notFound } from '../errors.js';
import { checkId } from '../ids.js';
import type { ListPage } from '../repo.js';
import { ListQuery, type ListParams } from '../schema.js';
import type { AssistantObject, ThreadObject } from '../types.js';

/**
 * A list answer.
 *
 * @example
 * ```ts
 * return { body: listBody(await repo.listAssistants(scope, params)) };
 * ```
 */
export function listBody<T extends { id: string }>(page: ListPage<T>) {
  return { object: 'list' as const, data: page.data, first_id: page.data[0]?.id ?? null, last_id: page.data.at(-1)?.id ?? null, has_more: page.hasMore };
}

/**
 * The list query of a request, checked.
 *
 * @example
 * ```ts
 * const params = listParams(req);
 * ```
 */
export function listParams(req: RouteRequest): ListParams {
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.query)) q[k] = Array.isArray(v) ? v[0] : v;
  return validate(ListQuery, q);
}

/**
 * The caller's thread named by the route's `:thread_id`, or a 404.
 *
 * @example
 * ```ts
 * const thread = await mustThread(deps, req);
 * ```
 */
export async function mustThread(deps: AssistantsDeps, req: RouteRequest, param = 'thread_id'): Promise<ThreadObject> {
  const id = checkId(req.params.thread_id, 'thread', param);
  const t = await deps.repo.thread(id, ownerScope(req.principal));
  if (!t) throw notFound('thread', id, param);
  return t;
}

/**
 * The caller's assistant `id`, or a 404.
 *
 * @example
 * ```ts
 * const asst = await mustAssistant(deps, req, body.assistant_id, 'assistant_id');
 * ```
 */
export async function mustAssistant(deps: AssistantsDeps, req: RouteRequest, id: string | undefined, param: string): Promise<AssistantObject> {
  const checked = checkId(id, 'assistant', param);
  const a = await deps.repo.assistant(checked, ownerScope(req.principal));
  if (!a) throw notFound('assistant', checked, param);
  return a;
}

/**
 * Refuses a model the gateway does not serve (400, as OpenAI answers an assistant with an
 * unknown model).
 *
 * @example
 * ```ts
 * checkModel(deps, body.model, 'model');
 * ```
 */
export function checkModel(deps: AssistantsDeps, model: string, param: string): void {
  if (deps.api.models.lookup(model).length > 0) return;
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `The requested model '${model}' does not exist.`, { param, publicCode: 'model_not_found' });
}
