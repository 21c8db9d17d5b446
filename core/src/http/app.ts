/**
 * The HTTP layer: a Koa app with @koa/router for every route (core and plugin), and in
 * front of it a direct lane that serves routes with a static path (`POST
 * /v1/chat/completions`, `GET /v1/models`, ...) without building a Koa context: one map
 * lookup on the exact method and URL. Both lanes run the same {@link runRoute} and write
 * with the same writer, so a route answers the same whichever lane served it; anything
 * the direct lane does not recognise exactly (parameters, query strings, trailing slashes,
 * other casing, HEAD, unknown URLs) goes to Koa. HTTP concerns live here, never in hooks.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import Koa from 'koa';
import Router, { type RouterMiddleware } from '@koa/router';
import { GatewayError } from '../errors.js';
import { unservedReason } from './known-paths.js';
import { writeError } from './respond.js';
import type { RouteDefinition } from './routes-api.js';
import { beginRequest, runRoute, serveDirect, type RouteDeps } from './run-route.js';

/** What the HTTP layer needs from the gateway. */
export interface AppDeps extends RouteDeps {
  routes: readonly RouteDefinition[];
  /** Names of the loaded plugins, for 404s on paths a plugin would serve. */
  plugins?: readonly string[];
}

interface State {
  requestId: string;
}

/** The HTTP layer: the Koa app (to mount elsewhere) and the listener with the direct lane. */
export interface HttpLayer {
  app: Koa<State>;
  listener: RequestListener;
}

/** The paths a route answers on: `/v1/x` also answers as `/x`. */
export function routePaths(path: string): string[] {
  return path.startsWith('/v1/') ? [path, path.slice(3)] : [path];
}

function notFound(method: string, url: string, plugins: readonly string[]): GatewayError {
  const message = unservedReason(method, url, plugins) ?? `Unknown request URL: ${method} ${url}. Please check the URL for typos.`;
  return new GatewayError('GW_ERR_NOT_FOUND', message, { publicCode: 'unknown_url' });
}

function adapt(route: RouteDefinition, deps: AppDeps): RouterMiddleware<State> {
  return async (kctx) => {
    kctx.respond = false; // runRoute writes the response itself
    await runRoute(route, deps, kctx.req, kctx.res, { path: kctx.path, params: kctx.params, query: kctx.query }, kctx.state.requestId);
  };
}

function createKoa(deps: AppDeps, router: Router<State>): Koa<State> {
  const app = new Koa<State>();
  app.proxy = true;
  app.silent = true;
  app.use(async (kctx, next) => {
    const requestId = beginRequest(kctx.req, kctx.res, deps.track);
    kctx.state.requestId = requestId;
    try {
      await next();
      if (kctx.respond !== false && kctx.status === 404 && kctx.body == null) throw notFound(kctx.method, kctx.url, deps.plugins ?? []);
    } catch (err) {
      kctx.respond = false;
      writeError(kctx.res, err, requestId, deps.diagnostics, `${kctx.method} ${kctx.path}`, kctx.method);
    }
  });
  app.use(router.routes());
  app.use(
    router.allowedMethods({
      throw: true,
      methodNotAllowed: () =>
        new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'This method is not allowed on this URL.', { publicCode: 'method_not_allowed' }),
      notImplemented: () =>
        new GatewayError('GW_ERR_METHOD_NOT_ALLOWED', 'This HTTP method is not supported.', { status: 501, publicCode: 'not_implemented', expose: true }),
    }),
  );
  app.on('error', (err) => deps.diagnostics.error('unhandled server error', err));
  return app;
}

/**
 * Builds the HTTP layer.
 *
 * @example
 * ```ts
 * const { app, listener } = createApp({ hooks, diagnostics, body: { bytes: 20 << 20, depth: 64 }, streams, routes, track, live });
 * http.createServer(listener).listen(4000); // or mount app.callback() in another server
 * ```
 */
export function createApp(deps: AppDeps): HttpLayer {
  const router = new Router<State>();
  const middlewareOf = new Map<RouterMiddleware<State>, RouteDefinition>();
  for (const route of deps.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    const mw = adapt(route, deps);
    middlewareOf.set(mw, route);
    router[method](routePaths(route.path), mw);
  }
  const app = createKoa(deps, router);

  // the direct lane: a static path goes there only when Koa would pick the same route for it
  const direct = new Map<string, RouteDefinition>();
  for (const route of deps.routes) {
    for (const path of routePaths(route.path)) {
      if (/[:*(]/.test(path)) continue;
      const first = router.match(path, route.method).pathAndMethod[0]?.stack.at(-1);
      const key = `${route.method} ${path}`;
      if (first && middlewareOf.get(first as RouterMiddleware<State>) === route && !direct.has(key)) direct.set(key, route);
    }
  }
  const koa = app.callback();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const route = direct.get(`${req.method} ${req.url}`);
    if (route) void serveDirect(route, deps, req, res);
    else void koa(req, res);
  };
  return { app, listener };
}
