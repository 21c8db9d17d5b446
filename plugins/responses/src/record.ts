/**
 * Keeping each response for chaining, on the `record` hook: the runner waits for it before
 * the response (or its terminal stream event) reaches the client, so the next call can chain
 * from it at once, and a kill -9 right after cannot lose it. A failed call that had begun a
 * response keeps it as `failed`; a background response updates the row it was queued in
 * (unless it was cancelled meanwhile, or the call was cut by a shutdown: its job runs it again). A completed turn of a conversation is appended to it
 * here too (its input, then its output, in one transaction), so the next turn sees it.
 */
import { GatewayError, toGatewayError, type CallContext, type CallEvent, type ConversationItem, type ConversationTurn } from '@switchyard/core';
import type { ResponsesCallState } from './call-state.js';
import type { ResponsesDeps } from './deps.js';
import type { StoredResponse } from './repo.js';
import type { CreateResponse } from './schema.js';
import type { ResponseObject } from './types.js';

function stored(s: ResponsesCallState, body: CreateResponse, r: ResponseObject, sessionId: string | undefined): StoredResponse {
  return {
    id: r.id,
    owner: s.owner,
    previousId: s.parent?.id ?? null,
    sessionId: sessionId ?? s.parent?.sessionId ?? null,
    deploymentId: s.deploymentId ?? '',
    upstreamId: s.native ? (s.upstreamId ?? null) : null,
    status: r.status,
    background: body.background === true,
    createdAt: r.created_at,
    input: s.input,
    response: r,
  };
}

/**
 * Stores the response of a finished Responses call.
 *
 * @example
 * ```ts
 * gateway.hooks.record.tapPromise(NAME, (event) => recordResponse(deps, event));
 * ```
 */
export async function recordResponse(deps: ResponsesDeps, event: CallEvent): Promise<void> {
  const { ctx } = event;
  const s = ctx.state.responses;
  const body = event.request as CreateResponse | undefined;
  if (ctx.operation !== 'responses' || !s || !body) return;
  const conversation = ctx.state.conversation;
  const finished = event.outcome !== 'error' ? (event.response as ResponseObject | undefined) : undefined;
  // a finished turn joins its conversation (store: false too: the conversation is its own
  // object; store only governs the response); a failed or cancelled one adds nothing
  const joins = conversation && finished && (finished.status === 'completed' || finished.status === 'incomplete') && !(s.background && (await cancelled(deps, s)));
  const appended = joins ? appendTurn(deps, conversation, [...s.input, ...finished.output], ctx) : undefined;
  if (body.store !== false) await storeResponse(deps, event, s, body);
  await appended;
}

/** Whether a background response was cancelled while it ran. */
async function cancelled(deps: ResponsesDeps, s: ResponsesCallState): Promise<boolean> {
  return (await deps.repo.get(s.id ?? s.mintedId, s.owner))?.status === 'cancelled';
}

async function appendTurn(deps: ResponsesDeps, conversation: ConversationTurn, items: ConversationItem[], ctx: CallContext): Promise<void> {
  try {
    await conversation.append(items, ctx);
  } catch (err) {
    deps.api.diagnostics.error(`could not append a turn to conversation ${conversation.id}: ${(err as Error).message}`);
  }
}

async function storeResponse(deps: ResponsesDeps, event: CallEvent, s: ResponsesCallState, body: CreateResponse): Promise<void> {
  const { ctx } = event;
  let r = event.response as ResponseObject | undefined;
  if (event.outcome === 'error') {
    if (!s.background && !r?.id) return; // failed before a response existed: nothing to chain from
    const e = event.error ? toGatewayError(event.error) : undefined;
    const base = r?.id ? r : (await deps.repo.get(s.id!, s.owner))?.response;
    if (!base) return;
    r = { ...base, status: 'failed', error: { code: e?.publicCode ?? 'server_error', message: e?.expose ? e.message : 'The request failed.' } };
  }
  if (!r?.id) return;
  const row = stored(s, body, r, ctx.sessionId);
  if (s.background) {
    // cut by a shutdown: its job puts it back in the queue (the next process runs it)
    if (event.outcome === 'error' && event.error instanceof GatewayError && event.error.code === 'GW_ERR_SHUTTING_DOWN') return;
    // only the run in progress: not over a cancel that came meanwhile
    await deps.repo.updateIf(row, ['in_progress']);
  } else {
    await deps.repo.insert(row);
  }
}
