/**
 * A Responses call that continues a conversation (`conversation` in the request): the
 * conversation's items for the deployment that serves it (through the Conversations plugin's
 * service, on `ctx.state.conversation`), and the response as part of that conversation.
 */
import type { CallContext, ConversationTurn, Deployment } from '@switchyard/core';
import { stateOf } from './call-state.js';
import type { CreateResponse } from './schema.js';
import type { Item, ResponseObject } from './types.js';

/** The response header that says how many of a conversation's oldest items were left out (`truncation: "auto"`). */
export const TRUNCATED_HEADER = 'x-switchyard-truncated-items';

/**
 * The conversation's items deployment `d` gets before this turn's input (all of them, or
 * with `truncation: "auto"` the newest that fit its context window); a cut is noted on the
 * call (the response says so: `truncated_items` and a header).
 *
 * @example
 * ```ts
 * const history = await conversationHistory(turn, request, deployment, ctx);
 * ```
 */
export async function conversationHistory(conversation: ConversationTurn, request: CreateResponse, d: Deployment, ctx: CallContext): Promise<Item[]> {
  const s = stateOf(ctx);
  const h = await conversation.history(d, { truncation: request.truncation ?? 'disabled', input: s.input, instructions: request.instructions, maxOutputTokens: request.max_output_tokens }, ctx);
  s.truncated = h.dropped || undefined;
  if (h.dropped > 0) ctx.responseHeaders[TRUNCATED_HEADER] = String(h.dropped);
  return h.items as Item[];
}

/**
 * A response as part of the call's conversation: its id (the gateway's, not an upstream's)
 * and any truncation.
 *
 * @example
 * ```ts
 * return inConversation({ ...r, id }, ctx);
 * ```
 */
export function inConversation(r: ResponseObject, ctx: CallContext): ResponseObject {
  const conversation = ctx.state.conversation;
  if (!conversation) return r;
  const truncated = ctx.state.responses?.truncated;
  return { ...r, conversation: { id: conversation.id }, ...(truncated ? { truncated_items: truncated } : {}) };
}
