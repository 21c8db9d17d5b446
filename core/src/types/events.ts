/**
 * What observers receive once a call has ended (`record`, `log`) and what `cost` taps price.
 */
import type { GatewayError } from '../errors.js';
import type { CallContext, CallRequest, CallResponse, Usage } from './call.js';
import type { Deployment } from './provider.js';

/**
 * Outcome of a call as observers see it (`short-circuit`: a `preCall` tap answered it).
 *
 * @example
 * ```ts
 * const counts: Record<CallOutcome, number> = { ok: 0, error: 0, 'short-circuit': 0 };
 * gateway.hooks.log.tapPromise('@acme/stats', async (event) => void counts[event.outcome]++);
 * ```
 */
export type CallOutcome = 'ok' | 'error' | 'short-circuit';

/**
 * What `record` and `log` observers receive once a call has ended (`log`: after the response was sent).
 *
 * @example
 * ```ts
 * gateway.hooks.log.tapPromise('@acme/errors', async (event: CallEvent) => {
 *   if (event.outcome === 'error') console.error(event.ctx.requestId, event.status, event.error?.code);
 * });
 * ```
 */
export interface CallEvent {
  /**
   * The id of this call's record, the same in every logger and in the call log (time-ordered,
   * UUIDv7 layout). Set by the gateway; {@link toCallRecord} fills it in when absent.
   */
  id?: string;
  ctx: CallContext;
  /** The request as validated (a chat request when `ctx.operation` is `chat`). */
  request: CallRequest | undefined;
  /** The final answer; for streams, the answer aggregated from every chunk. */
  response?: CallResponse;
  error?: GatewayError;
  outcome: CallOutcome;
  /** HTTP status sent to the client. */
  status: number;
  /**
   * For operations served outside the chat pipeline (e.g. native Responses pass-through):
   * the request and response bodies as sent and received. `request`/`response` stay empty then.
   */
  payload?: { request: unknown; response?: unknown };
}

/**
 * What `cost` taps receive: the usage of a finished call, to price it once on `ctx.cost`.
 *
 * @example
 * ```ts
 * gateway.hooks.cost.tapPromise('@acme/pricing', async ({ ctx, usage, deployment }: CostEvent) => {
 *   ctx.cost = deployment ? gateway.services.pricing?.price(usage, deployment) ?? null : null;
 * });
 * ```
 */
export interface CostEvent {
  ctx: CallContext;
  usage: Usage;
  /** Public model name. */
  model: string;
  deployment?: Deployment;
}
