/**
 * The native path: providers with their own Responses API (OpenAI, Azure). Requests pass
 * through; ids handed back are signed gateway ids that name the deployment and owner. Each
 * response is also kept locally, so a later turn on another provider can rebuild the chain.
 */
import {
  createCallContext,
  GatewayError,
  now,
  readJson,
  scrubError,
  sessionIdFrom,
  sseEvents,
  sseFrame,
  sseResponse,
  toGatewayError,
  type CallContext,
  type Deployment,
  type ProviderAdapter,
  type RouteRequest,
  type RouteResponse,
  type Usage,
  type UpstreamAttempt,
} from '@switchyard/core';
import { ownerOf, type ResponsesEnv } from './env.js';
import type { StoredResponse } from './repo.js';
import type { CreateResponse } from './schema.js';
import type { Item, ResponseObject, ResponseUsage } from './types.js';

/** A native create, prepared. */
export interface NativeCall {
  body: CreateResponse;
  input: Item[];
  history: Item[];
  parent?: StoredResponse;
  deployment: Deployment;
  adapter: ProviderAdapter;
}

/** Items as an upstream accepts them as input: our ids and statuses removed. */
export function upstreamItems(items: readonly Item[]): Array<Record<string, unknown>> {
  return items
    .filter((i) => i.type !== 'reasoning')
    .map((i) => {
      const { id: _id, status: _status, ...rest } = i as Item & { status?: string };
      return rest;
    });
}

/** Chat-shaped usage from Responses usage (what cost observers read). */
export function chatUsage(u: ResponseUsage | null | undefined): Usage | undefined {
  if (!u) return undefined;
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0, cache_write_tokens: u.input_tokens_details?.cache_write_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/**
 * Serves `POST /v1/responses` on a native deployment.
 *
 * @example
 * ```ts
 * return createNative(env, req, { body, input, history, parent, deployment, adapter });
 * ```
 */
export async function createNative(env: ResponsesEnv, req: RouteRequest, c: NativeCall): Promise<RouteResponse> {
  const { api, repo, ids } = env;
  const owner = ownerOf(req.principal);
  const d = c.deployment;
  const upstream: Record<string, unknown> = { ...c.body, model: d.model };
  delete upstream.previous_response_id;
  if (c.parent) {
    if (c.parent.upstreamId && c.parent.deploymentId === d.id) upstream.previous_response_id = c.parent.upstreamId;
    else upstream.input = [...upstreamItems(c.history), ...upstreamItems(c.input)];
  }
  const ctx = createCallContext({
    requestId: req.requestId,
    operation: 'responses',
    endpoint: '/v1/responses',
    headers: req.headers,
    signal: req.signal,
    principal: req.principal,
    sessionId: sessionIdFrom(req.headers, c.body.metadata) ?? c.parent?.sessionId ?? undefined,
  });
  ctx.model = c.body.model;
  ctx.deployment = d;
  ctx.stream = c.body.stream === true;
  ctx.metadata = { ...c.body.metadata };
  if (ctx.sessionId) ctx.responseHeaders['x-session-id'] = ctx.sessionId;
  // no preCall runs on this path: an auth plugin admits it here (model access, limits, budgets)
  if (api.services.admitCall) {
    try {
      await api.services.admitCall(c.body.model, ctx);
    } catch (err) {
      const e = toGatewayError(err);
      ctx.endedAt = now();
      await api.report({ ctx, request: undefined, outcome: 'error', status: e.status, error: e, payload: { request: c.body } });
      throw e;
    }
  }
  const attempt: UpstreamAttempt = { deployment: d, startedAt: now() };
  ctx.attempts.push(attempt);
  const fail = async (err: unknown): Promise<GatewayError> => {
    const e =
      req.signal.aborted && !(err instanceof GatewayError)
        ? new GatewayError('GW_ERR_INVALID_REQUEST', 'The client closed the connection before the response was complete.', { status: 499, publicCode: 'client_closed_request' })
        : scrubError(toGatewayError(err), d, ctx);
    attempt.endedAt = now();
    attempt.status = e.status;
    attempt.error = e;
    await api.report({ ctx, request: undefined, outcome: 'error', status: e.status, error: e, payload: { request: c.body } });
    return e;
  };

  let res;
  try {
    res = await c.adapter.passthrough!({ method: 'POST', path: '/responses', body: upstream, stream: ctx.stream }, { deployment: d, ctx, signal: req.signal });
  } catch (err) {
    throw await fail(err);
  }
  const rewrite = (r: ResponseObject, upstreamId: string): ResponseObject => ({
    ...r,
    id: ids.encode({ deployment: d.id, upstreamId, owner }),
    previous_response_id: c.parent?.id ?? null,
  });
  const finish = async (r: ResponseObject, upstreamId: string) => {
    ctx.sessionId ??= r.id; // a chain of responses is one session, started by its first response
    ctx.usage = chatUsage(r.usage);
    if (c.body.store !== false) {
      try {
        await repo.insert(stored(c, owner, r, upstreamId, ctx));
      } catch (err) {
        if (await repo.get(r.id, owner)) throw upstreamInvalid(d.provider, `answered with the id of a response it had already returned (${upstreamId})`, 'upstream_duplicate_id');
        throw err;
      }
    }
    attempt.endedAt = ctx.endedAt = now();
    attempt.status = 200;
    await api.report({ ctx, request: undefined, outcome: r.status === 'failed' ? 'error' : 'ok', status: 200, payload: { request: c.body, response: r } });
  };

  if (!ctx.stream) {
    let json: ResponseObject;
    let out: ResponseObject;
    try {
      json = await readJson<ResponseObject>(res, d.provider);
      if (!isResponseObject(json)) throw upstreamInvalid(d.provider, 'answered with something that is not a response object');
      attempt.firstChunkAt = ctx.firstTokenAt = now();
      out = rewrite(json, json.id);
      await finish(out, json.id);
    } catch (err) {
      throw await fail(err);
    }
    ctx.responseHeaders['x-session-id'] = ctx.sessionId!;
    return { headers: ctx.responseHeaders, body: out };
  }

  const body = res;
  async function* frames(): AsyncGenerator<string> {
    let upstreamId = '';
    let sequence = 0;
    let ended = false;
    try {
      for await (const ev of sseEvents(body, d.provider)) {
        if (!ev.data || ev.data === '[DONE]') continue;
        if (ended) continue; // nothing after the terminal event counts (a repeated one must not finish twice)
        let data: { type: string; sequence_number?: number; response?: ResponseObject };
        try {
          data = JSON.parse(ev.data) as typeof data;
        } catch {
          throw upstreamInvalid(d.provider, 'sent a stream event that is not JSON');
        }
        if (typeof data !== 'object' || data === null || typeof data.type !== 'string') throw upstreamInvalid(d.provider, 'sent a stream event without a type');
        if (ctx.firstTokenAt === undefined) attempt.firstChunkAt = ctx.firstTokenAt = now();
        sequence = (data.sequence_number ?? sequence) + 1;
        if (data.response?.id) {
          upstreamId ||= data.response.id;
          data.response = rewrite(data.response, upstreamId);
          if (data.type === 'response.completed' || data.type === 'response.incomplete' || data.type === 'response.failed') {
            await finish(data.response, upstreamId);
            ended = true;
          }
        }
        yield sseFrame(data, ev.event ?? data.type);
      }
      if (!ended) throw upstreamInvalid(d.provider, 'ended the stream before the response completed', 'upstream_stream_incomplete');
    } catch (err) {
      const e = await fail(err);
      yield sseFrame(
        {
          type: 'response.failed',
          sequence_number: sequence,
          response: { ...c.body, id: upstreamId ? ids.encode({ deployment: d.id, upstreamId, owner }) : '', object: 'response', status: 'failed', output: [], error: { code: e.publicCode ?? 'server_error', message: e.message } },
        },
        'response.failed',
      );
    }
  }
  return sseResponse(frames(), ctx.responseHeaders);
}

/** A 502 for an upstream Responses answer that is not what was asked for. */
function upstreamInvalid(provider: string, what: string, code = 'upstream_invalid_response'): GatewayError {
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ${what}.`, { publicCode: code, expose: true });
}

function isResponseObject(v: unknown): v is ResponseObject {
  const r = v as Partial<ResponseObject> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && r.id.length > 0 && Array.isArray(r.output);
}

function stored(c: NativeCall, owner: string, r: ResponseObject, upstreamId: string, ctx: CallContext): StoredResponse {
  return {
    id: r.id,
    owner,
    previousId: c.parent?.id ?? null,
    sessionId: ctx.sessionId ?? null,
    deploymentId: c.deployment.id,
    upstreamId,
    status: r.status,
    background: c.body.background === true,
    createdAt: r.created_at,
    input: c.input,
    response: r,
  };
}
