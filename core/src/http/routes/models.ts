/**
 * `GET /v1/models` and `GET /v1/models/{model}`.
 */
import { GatewayError } from '../../errors.js';
import type { ModelTable } from '../../gateway-api.js';
import type { RouteDefinition } from '../routes-api.js';

const BOOT = Math.floor(Date.now() / 1000);

function modelObject(id: string, table: ModelTable) {
  const d = table.lookup(id)[0];
  return { id, object: 'model', created: BOOT, owned_by: d?.provider ?? 'switchyard' };
}

/**
 * The model routes.
 *
 * @example
 * ```ts
 * routes.push(...modelRoutes(models));
 * ```
 */
export function modelRoutes(table: ModelTable): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/v1/models',
      handler: () => ({ body: { object: 'list', data: table.names().map((id) => modelObject(id, table)) } }),
    },
    {
      method: 'GET',
      path: '/v1/models/*model',
      handler(req) {
        const raw = req.params.model as string | string[] | undefined;
        const id = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
        if (table.lookup(id).length === 0) {
          throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', `The model '${id}' does not exist`, {
            param: 'model',
            publicCode: 'model_not_found',
          });
        }
        return { body: modelObject(id, table) };
      },
    },
  ];
}
