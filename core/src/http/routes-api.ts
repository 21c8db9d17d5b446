/**
 * How plugins (and the core itself) add HTTP routes: a transport-light handler that
 * receives the parsed request and returns status, headers and body. Errors thrown are
 * rendered in the OpenAI error shape by the core.
 */
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../types/index.js';
import type { AbortLike } from '../runner/abort.js';

/**
 * HTTP methods routes may use.
 *
 * @example
 * ```ts
 * const method: RouteMethod = 'DELETE';
 * gateway.addRoute({ method, path: '/v1/notes/:id', handler: async (req) => ({ body: await notes.remove(req.params.id) }) });
 * ```
 */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The request a route handler receives.
 *
 * @example
 * ```ts
 * async function handler(req: RouteRequest): Promise<RouteResponse> {
 *   const note = await notes.get(req.params.id, ownerScope(req.principal));
 *   if (!note) throw new GatewayError('GW_ERR_NOT_FOUND', `No note ${req.params.id}.`, { param: 'id' });
 *   return { body: note };
 * }
 * ```
 */
export interface RouteRequest {
  readonly method: RouteMethod;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON for `body: 'json'` routes, otherwise undefined. */
  readonly body: unknown;
  readonly requestId: string;
  readonly principal: Principal;
  /** Aborted when the client disconnects (made when first read: prefer `abort` where an {@link AbortLike} will do). */
  readonly signal: AbortSignal;
  /**
   * The same abort as `signal` without making an AbortSignal: pass it as `signal` to
   * `gateway.call` and to `@switchyard/upstream` requests (undici takes it too).
   */
  readonly abort: AbortLike;
  /** The raw Node request, for streaming bodies (`body: 'raw'`, e.g. multipart uploads). */
  readonly raw: IncomingMessage;
}

/**
 * What a route handler returns. `body` may be a JSON value, a string, a Buffer, or a
 * Node Readable (streamed as is; use {@link sseResponse} for server-sent events).
 *
 * @example
 * ```ts
 * const created: RouteResponse = { status: 201, headers: { location: `/v1/notes/${id}` }, body: { id, object: 'note' } };
 * ```
 */
export interface RouteResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A route. Paths under `/v1` are also served without the prefix, as OpenAI clients and
 * LiteLLM users expect.
 *
 * @example
 * ```ts
 * gateway.addRoute({
 *   method: 'GET',
 *   path: '/v1/sessions/:id',
 *   async handler(req) {
 *     return { body: await findSession(req.params.id, req.principal) };
 *   },
 * });
 * ```
 */
export interface RouteDefinition {
  method: RouteMethod;
  path: string;
  /**
   * How to read the body: parsed JSON (default for POST/PUT/PATCH), JSON that may be absent
   * (`json-optional`: an empty body is `undefined`, as OpenAI takes `POST /v1/threads` with
   * none), left raw, or none.
   */
  body?: 'json' | 'json-optional' | 'raw' | 'none';
  /** Run the `authenticate` hook before the handler (default true). */
  auth?: boolean;
  /** Largest JSON body in bytes for this route (default: the gateway's `server.bodyLimit`). */
  bodyLimit?: number;
  /** A page for people (a web console): its name, printed with its URL in the CLI banner. */
  page?: string;
  handler(request: RouteRequest): Promise<RouteResponse> | RouteResponse;
}

/**
 * A served route as plugins and the banner see it (`api.routes`, `gateway.routes`).
 *
 * @example
 * ```ts
 * const hasBatches = gateway.routes.some((r: ServedRoute) => r.method === 'GET' && r.path === '/v1/batches');
 * ```
 */
export type ServedRoute = Readonly<Pick<RouteDefinition, 'method' | 'path' | 'page'>>;
