/**
 * The Koa application: request id, error rendering, in-flight tracking, and the routes
 * (core and plugin) behind @koa/router. HTTP concerns live here, never in hooks.
 */
import Koa from 'koa';
import Router, { type RouterMiddleware } from '@koa/router';
import { GatewayError, publicErrorBody, toGatewayError } from '../errors.js';
import type { GatewayHooks } from '../hooks.js';
import type { Diagnostics } from '../diagnostics.js';
import { requestIdFrom } from '../pipeline/context.js';
import type { Principal } from '../types.js';
import { readJsonBody } from './body.js';
import type { RouteDefinition, RouteRequest, RouteResponse } from './routes-api.js';

/** What the HTTP layer needs from the gateway. */
export interface AppDeps {
  hooks: GatewayHooks;
  diagnostics: Diagnostics;
  bodyLimit: number;
  routes: readonly RouteDefinition[];
  /** Called when a request starts; the returned function when its response is closed. */
  track(): () => void;
}

interface State {
  requestId: string;
}

/** The paths a route answers on: `/v1/x` also answers as `/x`. */
export function routePaths(path: string): string[] {
  return path.startsWith('/v1/') ? [path, path.slice(3)] : [path];
}

function notFound(method: string, url: string): GatewayError {
  return new GatewayError('GW_ERR_NOT_FOUND', `Unknown request URL: ${method} ${url}. Please check the URL for typos.`, {
    publicCode: 'unknown_url',
  });
}

function send(kctx: Koa.Context, res: RouteResponse): void {
  if (res.headers) kctx.set(res.headers);
  kctx.status = res.status ?? (res.body === undefined ? 204 : 200);
  if (res.body !== undefined) kctx.body = res.body;
}

function adapt(route: RouteDefinition, deps: AppDeps): RouterMiddleware<State> {
  const { hooks, bodyLimit } = deps;
  const bodyMode = route.body ?? (route.method === 'GET' || route.method === 'DELETE' ? 'none' : 'json');
  const auth = route.auth !== false;
  return async (kctx) => {
    const req = kctx.req;
    let principal: Principal = {};
    if (auth && hooks.authenticate.isUsed()) {
      principal = (await hooks.authenticate.promise({ method: kctx.method, path: kctx.path, headers: req.headers })) ?? {};
    }
    const body = bodyMode === 'json' ? await readJsonBody(req, bodyLimit) : undefined;
    const ac = new AbortController();
    kctx.res.once('close', () => {
      if (!kctx.res.writableFinished) ac.abort();
    });
    const request: RouteRequest = {
      method: route.method,
      path: kctx.path,
      params: kctx.params,
      query: kctx.query,
      headers: req.headers,
      body,
      requestId: kctx.state.requestId,
      principal,
      signal: ac.signal,
      raw: req,
    };
    send(kctx, await route.handler(request));
  };
}

/**
 * Builds the Koa app.
 *
 * @example
 * ```ts
 * const app = createApp({ hooks, diagnostics, bodyLimit: 20 << 20, routes, track });
 * http.createServer(app.callback()).listen(4000);
 * ```
 */
export function createApp(deps: AppDeps): Koa<State> {
  const app = new Koa<State>();
  app.proxy = true;
  app.silent = true;
  const router = new Router<State>();

  for (const route of deps.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    router[method](routePaths(route.path), adapt(route, deps));
  }

  app.use(async (kctx, next) => {
    const requestId = requestIdFrom(kctx.req.headers['x-request-id']);
    kctx.state.requestId = requestId;
    kctx.set('x-request-id', requestId);
    const done = deps.track();
    kctx.res.once('close', done);
    try {
      await next();
      if (kctx.status === 404 && kctx.body == null) throw notFound(kctx.method, kctx.url);
    } catch (err) {
      const e = toGatewayError(err);
      if (!e.expose || e.status >= 500) deps.diagnostics.error(`${kctx.method} ${kctx.path} failed (${requestId})`, err);
      if (kctx.headerSent) return; // a stream already started: it carries its own error frame
      kctx.set(e.headers);
      kctx.status = e.status;
      kctx.body = publicErrorBody(e, requestId);
    }
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () =>
        new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'This method is not allowed on this URL.', { publicCode: 'method_not_allowed' }),
      notImplemented: () =>
        new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'This method is not implemented.', { status: 501, publicCode: 'not_implemented' }),
    }),
  );
  app.on('error', (err) => deps.diagnostics.error('unhandled server error', err));
  return app;
}
