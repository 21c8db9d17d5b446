/**
 * The console's own JSON and SSE endpoints, behind the gateway's auth like every API:
 * what the page can show (capabilities), deployment health from the router, a session's
 * trace link, and the live calls feed.
 */
import { GatewayError, ownerScope, sseResponse, VERSION, type PluginApi, type RouteDefinition, type RouteRequest } from '@switchyard/core';
import type { LiveFeed } from './live.js';

/** What a caller of the console may see, and which views have a data source. */
export interface Capabilities {
  object: 'console.capabilities';
  version: string;
  auth: {
    /** An auth plugin is loaded: every request carries a key. */
    enabled: boolean;
    /** Without an auth plugin the gateway listens on 127.0.0.1 only. */
    loopback_only: boolean;
    admin: boolean;
    key_id: string | null;
  };
  views: { sessions: boolean; spend: boolean; budgets: boolean; deployments: boolean; batches: boolean; live: boolean };
  store_prompts: boolean;
  trace: boolean;
}

const serves = (api: PluginApi, method: string, path: string) => api.routes.some((r) => r.method === method && r.path === path);

/** Admins, and everyone when there is no auth plugin (loopback only): deployment health is not tenant data. */
const seesGateway = (api: PluginApi, req: RouteRequest) => req.principal.admin === true || !api.authenticates;

/**
 * What the page can show the caller.
 *
 * @example
 * ```ts
 * capabilities(api, req).views.batches; // true once a plugin serves GET /v1/batches
 * ```
 */
export function capabilities(api: PluginApi, req: RouteRequest): Capabilities {
  const enabled = api.authenticates;
  return {
    object: 'console.capabilities',
    version: VERSION,
    auth: { enabled, loopback_only: !enabled, admin: req.principal.admin === true, key_id: req.principal.keyId ?? null },
    views: {
      sessions: serves(api, 'GET', '/v1/sessions'),
      spend: serves(api, 'GET', '/spend/report'),
      budgets: serves(api, 'GET', '/spend/budgets'),
      deployments: seesGateway(api, req),
      batches: serves(api, 'GET', '/v1/batches'),
      live: true,
    },
    store_prompts: api.settings.storePrompts,
    trace: api.services.sessionTraceUrl !== undefined,
  };
}

/** Every deployment the gateway can route to: the configured ones and the `provider/model` names it advertises. */
function knownDeployments(api: PluginApi) {
  const byId = new Map(api.models.deployments.map((d) => [d.id, d]));
  for (const name of api.models.names()) for (const d of api.models.lookup(name)) if (!byId.has(d.id)) byId.set(d.id, d);
  return [...byId.values()];
}

/**
 * The console API routes.
 *
 * @example
 * ```ts
 * for (const r of apiRoutes(api, feed)) routes.add(r);
 * ```
 */
export function apiRoutes(api: PluginApi, feed: LiveFeed, options: { maxLiveClients: number }): RouteDefinition[] {
  return [
    { method: 'GET', path: '/console/api/capabilities', handler: (req) => ({ body: capabilities(api, req) }) },
    {
      method: 'GET',
      path: '/console/api/deployments',
      handler(req) {
        if (!seesGateway(api, req)) {
          throw new GatewayError('GW_ERR_FORBIDDEN', 'Deployment health is shown to admins only (the master key).', { publicCode: 'admin_only' });
        }
        const deployments = knownDeployments(api);
        const health = new Map(api.router.health(deployments).map((h) => [h.id, h]));
        const now = Date.now();
        const data = deployments.map((d) => {
          const h = health.get(d.id)!;
          return {
            ...h,
            upstream_model: d.model,
            weight: d.weight ?? null,
            rpm: d.rpm ?? null,
            tpm: d.tpm ?? null,
            cooling: h.cooling_until !== null && h.cooling_until > now,
          };
        });
        return { body: { object: 'list', strategy: api.router.config.strategy ?? 'simple-shuffle', data } };
      },
    },
    {
      method: 'GET',
      path: '/console/api/trace',
      handler(req) {
        const raw = req.query.session;
        const session = Array.isArray(raw) ? raw[0] : raw;
        if (!session) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'session is required.', { param: 'session', publicCode: 'missing_required_parameter' });
        return { body: { object: 'console.trace', session_id: session, url: api.services.sessionTraceUrl?.(session) ?? null } };
      },
    },
    {
      method: 'GET',
      path: '/console/api/live',
      handler(req) {
        if (feed.size >= options.maxLiveClients) {
          throw new GatewayError('GW_ERR_OVERLOADED', `The live feed has its limit of ${options.maxLiveClients} browsers; close a tab or retry later.`, {
            publicCode: 'too_many_live_clients',
            headers: { 'retry-after': '5' },
            expose: true,
          });
        }
        const signal = AbortSignal.any([req.signal, api.closing]);
        return sseResponse(feed.subscribe(ownerScope(req.principal), signal));
      },
    },
  ];
}
