/**
 * `POST /v1/responses`: the request is checked and the chain it continues looked up, then it
 * runs through the call runner with the Responses codec (native or bridged per deployment),
 * as JSON, as an event stream, or in the background (a durable job).
 */
import { GatewayError, sseFrame, sseResponse, toGatewayError, validate, type ConversationTurn, type RouteRequest, type RouteResponse } from '@switchyard/core';
import { BACKGROUND_KIND, keptHeaders, type BackgroundPayload } from './background.js';
import type { ResponsesCallState } from './call-state.js';
import { isNative } from './codec.js';
import { ownerOf, type ResponsesDeps } from './deps.js';
import { responseObject } from './from-chat.js';
import { newId } from './ids.js';
import { normalizeInput } from './items.js';
import { find } from './routes.js';
import { CreateResponseSchema, type CreateResponse } from './schema.js';
import type { ResponseEvent } from './stream-events.js';
import type { ResponseObject } from './types.js';

const nowSec = () => Math.floor(Date.now() / 1000);

/**
 * Serves `POST /v1/responses`.
 *
 * @example
 * ```ts
 * routes.add({ method: 'POST', path: '/v1/responses', handler: (req) => createResponse(deps, req) });
 * ```
 */
export async function createResponse(deps: ResponsesDeps, req: RouteRequest): Promise<RouteResponse> {
  const { api, codec } = deps;
  const body = validate(CreateResponseSchema, req.body);
  const state: ResponsesCallState = { owner: ownerOf(req.principal), input: normalizeInput(body.input), createdAt: nowSec(), mintedId: newId('resp') };
  const conversation = await openConversation(deps, req, body);
  if (body.previous_response_id) {
    state.parent = (await find(deps, req, body.previous_response_id))?.stored;
    if (!state.parent) {
      throw new GatewayError('GW_ERR_NOT_FOUND', `Previous response with id '${body.previous_response_id}' not found.`, {
        param: 'previous_response_id',
        publicCode: 'previous_response_not_found',
      });
    }
  }
  const input = {
    body,
    headers: req.headers,
    requestId: req.requestId,
    principal: req.principal,
    endpoint: '/v1/responses',
    // a conversation is one session; so is a chain of responses: the parent's, else the first
    // response's (set once known); an explicit id wins (the session tracker resolves it)
    sessionId: conversation?.id ?? state.parent?.sessionId ?? undefined,
    state: { responses: state, ...(conversation ? { conversation } : {}) },
  };

  if (body.background && !servedNatively(deps, body.model)) {
    if (body.store === false) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Background responses need store: true.', { param: 'background' });
    if (body.stream) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Streaming background responses are not supported on this model.', { param: 'stream' });
    return background(deps, req, body, state);
  }

  const out = await api.run(codec, { ...input, signal: req.signal });
  if (out.type === 'completion') return { headers: out.ctx.responseHeaders, body: out.body };
  return sseResponse(frames(out.chunks, body, state), out.ctx.responseHeaders);
}

/**
 * The conversation the request continues, opened through the Conversations plugin's service
 * (its items go to the model, the finished turn is appended to it).
 */
async function openConversation(deps: ResponsesDeps, req: RouteRequest, body: CreateResponse): Promise<ConversationTurn | undefined> {
  const c = body.conversation;
  if (c === undefined || c === null) return undefined;
  if (body.previous_response_id) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.", {
      param: 'conversation',
      publicCode: 'mutually_exclusive_parameters',
    });
  }
  const service = deps.api.services.conversations;
  if (!service) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', "The 'conversation' parameter needs the plugin @switchyard/conversations, which is not loaded.", {
      param: 'conversation',
      publicCode: 'unsupported_parameter',
    });
  }
  return service.open(typeof c === 'string' ? c : c.id, req.principal, 'conversation');
}

/** Whether every deployment of `model` has its own Responses API (a background request then runs upstream). */
function servedNatively(deps: ResponsesDeps, model: string): boolean {
  const deployments = deps.api.models.lookup(model);
  return deployments.length > 0 && deployments.every((d) => isNative(deps.api.providers.get(d.provider)));
}

/**
 * A bridged background response: stored as queued, with its job, in one transaction; a job
 * worker of any gateway process on the store runs it (see background.ts).
 */
async function background(deps: ResponsesDeps, req: RouteRequest, body: CreateResponse, state: ResponsesCallState): Promise<RouteResponse> {
  const { repo, store } = deps;
  const id = state.mintedId;
  const queued = responseObject(body, { id, createdAt: state.createdAt, status: 'queued', output: [], usage: null });
  const payload: BackgroundPayload = {
    id,
    owner: state.owner,
    body: { ...body, stream: false },
    input: state.input,
    createdAt: state.createdAt,
    parentId: state.parent?.id ?? null,
    headers: keptHeaders(req.headers),
    ...(req.requestId ? { requestId: req.requestId } : {}),
    ...(req.principal ? { principal: req.principal } : {}),
  };
  await store.transaction(async (trx) => {
    await repo.insert({ id, owner: state.owner, previousId: state.parent?.id ?? null, sessionId: state.parent?.sessionId ?? null, deploymentId: '', upstreamId: null, status: 'queued', background: true, createdAt: state.createdAt, input: state.input, response: queued }, trx);
    await store.jobs.enqueue(BACKGROUND_KIND, payload, { key: id, maxAttempts: 5, trx });
  });
  store.jobs.wake(BACKGROUND_KIND);
  return { body: queued };
}

/** The SSE frames of a response stream; a failure after the first event ends it with `response.failed`. */
async function* frames(events: AsyncIterable<ResponseEvent>, body: CreateResponse, state: ResponsesCallState): AsyncGenerator<string> {
  let sequence = 0;
  let last: ResponseObject | undefined;
  try {
    for await (const ev of events) {
      sequence = (ev.sequence_number ?? sequence) + 1;
      if (ev.response) last = ev.response as ResponseObject;
      yield sseFrame(ev, ev.type);
    }
  } catch (err) {
    const e = toGatewayError(err);
    const base = last ?? responseObject(body, { id: state.id ?? '', createdAt: state.createdAt, status: 'failed', output: [], usage: null });
    const response = { ...base, status: 'failed', error: { code: e.publicCode ?? 'server_error', message: e.expose ? e.message : 'The upstream failed.' } };
    yield sseFrame({ type: 'response.failed', sequence_number: sequence, response }, 'response.failed');
  }
}
