/**
 * What a call is while it runs: the request and answer every operation shares, the
 * principal, the upstream attempts and the call context every hook sees.
 */
import type { GatewayError } from '../errors.js';
import type { ConversationTurn } from '../conversations.js';
import type { Deployment } from './provider.js';
import type { AbortLike } from '../runner/abort.js';

/**
 * The body of any call the runner serves: every operation names a model. Chat requests,
 * embeddings requests and Responses requests are all call requests; a hook that needs one
 * kind checks `ctx.operation` first.
 *
 * @example
 * ```ts
 * gateway.hooks.preCall.tapPromise('@acme/guard', async (request: CallRequest, ctx) => {
 *   if (request.model.startsWith('internal/') && !ctx.principal.admin) {
 *     throw new GatewayError('GW_ERR_FORBIDDEN', `No access to ${request.model}.`, { param: 'model' });
 *   }
 *   return undefined;
 * });
 * ```
 */
export interface CallRequest {
  model: string;
  stream?: boolean | null;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/**
 * The answer of any call (a chat completion, an embeddings list, a response object, ...).
 *
 * @example
 * ```ts
 * gateway.hooks.postCall.tapPromise('@acme/stamp', async (response: CallResponse, _request, ctx) => ({ ...response, served_by: ctx.deployment?.id }));
 * ```
 */
export interface CallResponse {
  [key: string]: unknown;
}

/**
 * Token usage in the chat completions shape (what every operation's usage is read as).
 *
 * @example
 * ```ts
 * const usage: Usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150, prompt_tokens_details: { cached_tokens: 100 } };
 * ```
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; audio_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number; [key: string]: unknown };
}

/**
 * Typed per-call state shared between plugins. Extend it by declaration merging.
 *
 * @example
 * ```ts
 * declare module '@switchyard/core' {
 *   interface GatewayState { tenant?: string }
 * }
 * ```
 */
export interface GatewayState {
  /**
   * Per-call override of the gateway's `storePrompts` setting (e.g. set by a key plugin for
   * keys that opted in or out).
   */
  storePrompts?: boolean;
  /** The conversation a Responses call continues (set by the Responses route before the call). */
  conversation?: ConversationTurn;
  /**
   * The call is one line of a batch: the batches plugin records the batch's cost once, at
   * batch prices, so a cost plugin records no spend row of its own for it.
   */
  batchLine?: boolean;
}

/**
 * Headers and route of an incoming request, as the `authenticate` hook sees them.
 *
 * @example
 * ```ts
 * gateway.hooks.authenticate.tapPromise('@acme/auth', async (req: AuthRequest) => {
 *   const key = bearerToken(req.headers);
 *   if (!key) throw new GatewayError('GW_ERR_UNAUTHORIZED', `${req.method} ${req.path} needs an API key.`);
 *   return keys.get(key); // a Principal, or undefined for an anonymous caller
 * });
 * ```
 */
export interface AuthRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Who is calling: filled by an auth plugin (or given to `gateway.call()`); every stored object
 * records its owner (`ownerOf`) and reads are scoped to it (`ownerScope`).
 *
 * @example
 * ```ts
 * const principal: Principal = { keyId: 'key_1', teamId: 'payments' };
 * await gateway.call({ body, principal }); // admission and ownership as key_1
 * ```
 */
export interface Principal {
  keyId?: string;
  userId?: string;
  teamId?: string;
  /** An administrator (e.g. the master key): reads every owner's objects. */
  admin?: boolean;
}

/**
 * One upstream attempt, kept on the call context for logs and traces.
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise('@acme/retries', async ({ ctx }) => {
 *   const attempts: UpstreamAttempt[] = ctx.attempts;
 *   for (const a of attempts) console.log(a.deployment.id, a.status ?? '-', a.error?.code ?? 'ok');
 * });
 * ```
 */
export interface UpstreamAttempt {
  deployment: Deployment;
  startedAt: number;
  endedAt?: number;
  firstChunkAt?: number;
  status?: number;
  error?: GatewayError;
  /** Request id the provider returned, when it returned one. */
  upstreamRequestId?: string;
  /** The model the upstream said answered (e.g. a dated snapshot); clients see the public name. */
  model?: string;
}

/**
 * What kind of operation a call is: `chat`, or what a plugin registers (`embeddings`, `responses`, ...).
 *
 * @example
 * ```ts
 * gateway.hooks.transform.tapPromise('@acme/cold', async (request, ctx) => (ctx.operation === 'chat' ? { ...request, temperature: 0 } : request));
 * ```
 */
export type Operation = 'chat' | (string & {});

/**
 * Everything a hook knows about the call in flight. One per call; plugins keep their
 * own data on `state` (typed through {@link GatewayState}).
 *
 * @example
 * ```ts
 * gateway.hooks.preCall.tapPromise('@acme/tag', async (_request, ctx: CallContext) => {
 *   ctx.metadata.team = ctx.principal.teamId ?? 'none';
 *   ctx.responseHeaders['x-acme-request'] = ctx.requestId;
 *   return undefined;
 * });
 * ```
 */
export interface CallContext {
  /** `x-request-id` of the call (taken from the client when it sent one). */
  readonly requestId: string;
  readonly operation: Operation;
  /** Endpoint path as the gateway names it, e.g. `/v1/chat/completions`. */
  readonly endpoint: string;
  /** Incoming headers, lower-cased. Empty for in-process calls without headers. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborted when the client goes away or the gateway shuts down (made when first read: prefer `abort`). */
  readonly signal: AbortSignal;
  /** The same abort as `signal` without making an AbortSignal (see {@link AbortLike}). */
  readonly abort: AbortLike;
  /** Epoch milliseconds (fractional) when the gateway received the call. */
  readonly startedAt: number;
  /** When the first streamed chunk (or the whole body) arrived from upstream. */
  firstTokenAt?: number;
  endedAt?: number;
  /** Public model name requested. */
  model?: string;
  /** The deployment chosen for the call. */
  deployment?: Deployment;
  readonly attempts: UpstreamAttempt[];
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** Caller identity, set by an auth plugin. */
  principal: Principal;
  /** Session the call belongs to, when a session plugin found one. */
  sessionId?: string;
  /** Usage of the call once known. */
  usage?: Usage;
  /** Cost in USD: a number, `null` when unknown, `undefined` when no one priced it. */
  cost?: number | null;
  /** Extra response headers plugins want sent (set before the response starts). */
  readonly responseHeaders: Record<string, string>;
  /** Free-form metadata recorded with the call (from the request's `metadata`, plugins, ...). */
  metadata: Record<string, unknown>;
  /** Typed plugin state. */
  readonly state: GatewayState;
}
