/**
 * Running one route for one request: the request id and in-flight tracking, the
 * `authenticate` hook, the body, the client-abort signal, the handler, and the response or
 * error. Both HTTP lanes call this, so they differ only in how they find the route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Diagnostics } from '../diagnostics.js';
import { GatewayError } from '../errors.js';
import { tapped, type GatewayHooks } from '../hooks.js';
import { requestIdFrom } from '../runner/context.js';
import { RequestAbort } from '../runner/abort.js';
import type { Principal } from '../types/index.js';
import { readJsonBody, type BodyLimits } from './body.js';
import type { LiveRequests } from './live.js';
import { writeError, writeRouteResponse } from './respond.js';
import type { RouteDefinition, RouteRequest } from './routes-api.js';

/** What running a route needs from the gateway. */
export interface RouteDeps {
  hooks: GatewayHooks;
  diagnostics: Diagnostics;
  /** Limits of JSON bodies (a route may lower or raise the size). */
  body: BodyLimits;
  /** Streamed responses in flight and the most allowed. */
  streams: { open: number; readonly max: number };
  /** In-flight counting: `begin` when a request starts, `end` when its response closes. */
  track: InflightTracker;
  /** The abort controllers of the requests being served (shutdown aborts them when it must cut). */
  live: LiveRequests;
}

/**
 * Counts the HTTP requests in flight.
 *
 * @example
 * ```ts
 * const track: InflightTracker = { begin: () => inflight++, end: () => inflight-- };
 * ```
 */
export interface InflightTracker {
  begin(): void;
  /** Called once the response closes: one function for every request (no closure per request), so it takes nothing. */
  end(this: void): void;
}

/** Where the request matched: its path, path parameters and query. */
export interface RouteMatch {
  path: string;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Starts a request: its id (the client's `x-request-id` when well-formed) echoed in the
 * response, and in-flight tracking until the response closes.
 *
 * @example
 * ```ts
 * const requestId = beginRequest(req, res, deps.track);
 * ```
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, track: InflightTracker): string {
  const requestId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader('x-request-id', requestId);
  track.begin();
  res.on('close', track.end); // a response closes once: `on` with a shared function, no once-wrapper
  return requestId;
}

/** Counts a streamed request until its response closes; over the limit it is refused before any work. */
function holdStream(streams: RouteDeps['streams'], res: ServerResponse): void {
  if (streams.open >= streams.max) {
    throw new GatewayError('GW_ERR_OVERLOADED', `The gateway is serving its limit of ${streams.max} streams; retry shortly.`, {
      publicCode: 'too_many_streams',
      headers: { 'retry-after': '1' },
      expose: true,
    });
  }
  streams.open++;
  res.once('close', () => streams.open--);
}

/**
 * Runs a route and writes its response; throws what the route throws (the caller renders it
 * with {@link writeError}).
 *
 * @example
 * ```ts
 * await runRoute(route, deps, req, res, { path: '/v1/models', params: {}, query: {} }, requestId);
 * ```
 */
export async function runRoute(
  route: RouteDefinition,
  deps: RouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  match: RouteMatch,
  requestId: string,
): Promise<void> {
  const { hooks } = deps;
  let principal: Principal = {};
  if (route.auth !== false && tapped(hooks.authenticate)) {
    principal = (await hooks.authenticate.promise({ method: req.method ?? route.method, path: match.path, headers: req.headers })) ?? {};
  }
  const bodyMode = route.body ?? (route.method === 'GET' || route.method === 'DELETE' ? 'none' : 'json');
  const limits = route.bodyLimit === undefined ? deps.body : { ...deps.body, bytes: route.bodyLimit };
  const body = bodyMode === 'json' || bodyMode === 'json-optional' ? await readJsonBody(req, limits, bodyMode === 'json-optional') : undefined;
  if (body !== null && typeof body === 'object' && (body as { stream?: unknown }).stream === true) holdStream(deps.streams, res);
  const abort = new RequestAbort();
  deps.live.follow(res, abort);
  const request: RouteRequest = {
    method: route.method,
    path: match.path,
    params: match.params,
    query: match.query,
    headers: req.headers,
    body,
    requestId,
    principal,
    abort,
    get signal(): AbortSignal {
      return abort.signal;
    },
    raw: req,
  };
  writeRouteResponse(res, await route.handler(request), req.method ?? route.method);
}

/**
 * Serves a request whose route is known without routing (a static path): the direct lane.
 *
 * @example
 * ```ts
 * if (route) return void serveDirect(route, deps, req, res);
 * ```
 */
export async function serveDirect(route: RouteDefinition, deps: RouteDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = beginRequest(req, res, deps.track);
  const path = req.url!;
  try {
    await runRoute(route, deps, req, res, { path, params: {}, query: {} }, requestId);
  } catch (err) {
    writeError(res, err, requestId, deps.diagnostics, `${req.method} ${path}`, req.method ?? route.method);
  }
}
