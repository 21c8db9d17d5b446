/**
 * Which session a call belongs to, in order: the explicit id by the core's one rule
 * (`sessionIdFrom`: header `x-session-id` / `x-litellm-session-id`, then the body's top-level
 * `session_id` / `litellm_session_id`, then the same keys in `metadata`, then in
 * `litellm_metadata`), a session the caller already set (e.g. a bridge continuing a stored
 * response), then the session of the response named in `previous_response_id`. Otherwise
 * none: never a random id.
 */
import { type CallContext, type CallRequest, type GatewayServices } from '@switchyard/core';
import { sessionIdFrom } from './session-id.js';

const NO_HEADERS = {};

/**
 * The session id of a call, or undefined.
 *
 * @example
 * ```ts
 * ctx.sessionId = await resolveSessionId(request, ctx, gateway.services);
 * ```
 */
export async function resolveSessionId(request: CallRequest, ctx: CallContext, services: GatewayServices): Promise<string | undefined> {
  const explicit = sessionIdFrom(ctx.headers, request) ?? sessionIdFrom(NO_HEADERS, ctx.metadata);
  if (explicit) return explicit;
  if (ctx.sessionId) return ctx.sessionId;
  const previous = request.previous_response_id;
  if (typeof previous === 'string' && previous.length > 0 && services.sessionOfResponse) {
    return (await services.sessionOfResponse(previous, ctx.principal)) || undefined;
  }
  return undefined;
}
