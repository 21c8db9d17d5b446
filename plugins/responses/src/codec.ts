/**
 * The Responses operation on the call runner: one codec for every deployment. A deployment
 * whose provider has a Responses API of its own gets the request passed through (native);
 * every other one gets it as a chat completion (bridged), and the answer comes back as a
 * Responses object or event stream. Either way the call runs the gateway's hooks, router,
 * attempts, records and cost once, on the Responses request.
 */
import { GatewayError, validate, withoutGatewayFields, type CallContext, type Deployment, type OperationCodec, type ProviderAdapter, type StreamAggregate, type Usage } from '@switchyard/core';
import { stateOf } from './call-state.js';
import { conversationHistory, inConversation, TRUNCATED_HEADER } from './conversation.js';
import type { ResponsesDeps } from './deps.js';
import { upstreamItems } from './items.js';
import { sendBridged } from './send-bridged.js';
import { sendNative } from './send-native.js';
import { CreateResponseSchema, type CreateResponse } from './schema.js';
import { wholeResponseEvents, type ResponseEvent } from './stream-events.js';
import type { ResponseObject } from './types.js';
import { chatUsage } from './usage.js';

/** A chain of responses is one session: a first response (no explicit session, no parent) starts it. */
function startsSession(ctx: CallContext, id: string): void {
  if (ctx.sessionId !== undefined || !id) return;
  ctx.sessionId = id;
  ctx.responseHeaders['x-session-id'] = id;
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Whether `adapter` serves the Responses API natively. */
export function isNative(adapter: ProviderAdapter | undefined): boolean {
  return Boolean(adapter?.passthrough && adapter.nativeApis?.includes('responses'));
}

const upstreamInvalid = (provider: string, what: string, code = 'upstream_invalid_response') =>
  new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ${what}.`, { publicCode: code, expose: true });

function isResponseObject(v: unknown): v is ResponseObject {
  const r = v as Partial<ResponseObject> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && r.id.length > 0 && Array.isArray(r.output);
}

function aggregate(): StreamAggregate<ResponseEvent, ResponseObject> {
  let last: ResponseObject | undefined;
  let final: ResponseObject | undefined;
  return {
    add(ev) {
      const r = ev.response as ResponseObject | undefined;
      if (!r) return;
      last = r;
      if (TERMINAL.has(ev.type)) final = r;
    },
    result: () => final ?? last ?? ({ id: '', object: 'response', status: 'failed', output: [] } as unknown as ResponseObject),
    usage: (): Usage | undefined => chatUsage((final ?? last)?.usage),
    checkEnd(provider) {
      if (!final) throw upstreamInvalid(provider, 'ended the stream before the response completed', 'upstream_stream_incomplete');
      if (final.status === 'failed') {
        // the upstream said the response failed: a failed call, not an answer
        throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', final.error?.message ?? `The ${provider} upstream could not complete the response.`, {
          publicCode: final.error?.code ?? 'server_error',
          expose: true,
        });
      }
    },
  };
}

/**
 * The Responses codec of a gateway.
 *
 * @example
 * ```ts
 * const codec = responsesCodec(deps);
 * api.operations.register(codec);
 * const out = await api.run(codec, { body, state: { responses: callState } });
 * ```
 */
export function responsesCodec(deps: ResponsesDeps): OperationCodec<CreateResponse, ResponseObject, ResponseEvent> {
  const { api } = deps;

  /** The client's view of an upstream response object: the gateway's id, parent, model and conversation. */
  const present = (r: ResponseObject, ctx: CallContext): ResponseObject => {
    const s = stateOf(ctx);
    if (!s.native) {
      startsSession(ctx, r.id);
      return inConversation(r.model === ctx.model ? r : { ...r, model: ctx.model! }, ctx);
    }
    s.upstreamId ||= r.id;
    s.id ??= deps.ids.encode({ deployment: ctx.deployment!.id, upstreamId: s.upstreamId, owner: s.owner });
    startsSession(ctx, s.id);
    return inConversation({ ...r, id: s.id, previous_response_id: s.parent?.id ?? null, model: ctx.model! }, ctx);
  };

  return {
    operation: 'responses',
    endpoint: '/v1/responses',
    validate: (body) => validate(CreateResponseSchema, body),
    streams: (request) => request.stream === true,
    supports: () => true,
    async prepare(request, d: Deployment, ctx) {
      const s = stateOf(ctx);
      s.native = isNative(api.providers.get(d.provider));
      s.deploymentId = d.id;
      s.upstreamId = undefined;
      s.id = s.native ? undefined : s.mintedId;
      s.truncated = undefined;
      delete ctx.responseHeaders[TRUNCATED_HEADER];
      if (!s.native) return request; // the bridge builds its chat request when it sends
      const upstream: CreateResponse = { ...withoutGatewayFields(request), model: d.model };
      delete upstream.previous_response_id;
      delete upstream.conversation;
      const conversation = ctx.state.conversation;
      if (conversation) {
        // the upstream's own conversation when it holds (or now takes) this one, else the history as input
        const upstreamId = await conversation.upstreamFor(d, ctx);
        if (upstreamId) upstream.conversation = upstreamId;
        else upstream.input = [...upstreamItems(await conversationHistory(conversation, request, d, ctx)), ...upstreamItems(s.input)] as CreateResponse['input'];
      } else if (s.parent) {
        if (s.parent.upstreamId && s.parent.deploymentId === d.id) upstream.previous_response_id = s.parent.upstreamId;
        else upstream.input = [...upstreamItems(await (s.history ??= deps.repo.history(s.parent))), ...upstreamItems(s.input)] as CreateResponse['input'];
      }
      return upstream;
    },
    send: (adapter, body, call) => (isNative(adapter) ? sendNative(deps, adapter, body, call) : sendBridged(deps, adapter, body, call)),
    checkResponse(body, provider) {
      if (!isResponseObject(body)) throw upstreamInvalid(provider, 'answered with something that is not a response object');
    },
    checkChunk(chunk, provider) {
      const ev = chunk as Partial<ResponseEvent> | null;
      if (typeof ev !== 'object' || ev === null || typeof ev.type !== 'string') throw upstreamInvalid(provider, 'sent a stream event without a type');
    },
    usageOf: (response) => chatUsage(response.usage),
    aggregate,
    presentResponse: (response, _request, ctx) => present(response, ctx),
    presentChunk(ev, _request, ctx) {
      const r = ev.response as ResponseObject | undefined;
      return r?.id ? { ...ev, response: present(r, ctx) } : ev;
    },
    isTerminal: (ev) => TERMINAL.has(ev.type),
    toChunks: (response) => wholeResponseEvents(response),
  };
}
