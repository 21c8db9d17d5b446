/**
 * The bridge path: providers without a Responses API. The request becomes a chat call
 * through the gateway's own pipeline (so hooks, sessions, cost and logs apply), and the
 * answer becomes a Responses object or event stream, stored for chaining.
 */
import { GatewayError, sessionIdFrom, sseFrame, sseResponse, toGatewayError, type RouteRequest, type RouteResponse } from '@switchyard/core';
import { completionOutput, responseObject, statusOf, toResponseUsage } from './from-chat.js';
import { newId } from './ids.js';
import { ownerOf, type ResponsesEnv } from './env.js';
import type { StoredResponse } from './repo.js';
import type { CreateResponse } from './schema.js';
import { responseEvents } from './stream-events.js';
import { toChatRequest } from './to-chat.js';
import type { Item, ResponseObject } from './types.js';

/** A bridged create, prepared. */
export interface BridgeCall {
  body: CreateResponse;
  input: Item[];
  history: Item[];
  parent?: StoredResponse;
  deploymentId: string;
}

const nowSec = () => Math.floor(Date.now() / 1000);

function record(c: BridgeCall, owner: string, response: ResponseObject, sessionId: string | undefined): StoredResponse {
  return {
    id: response.id,
    owner,
    previousId: c.parent?.id ?? null,
    sessionId: sessionId ?? c.parent?.sessionId ?? null,
    deploymentId: c.deploymentId,
    upstreamId: null,
    status: response.status,
    background: c.body.background === true,
    createdAt: response.created_at,
    input: c.input,
    response,
  };
}

/**
 * Serves `POST /v1/responses` on a bridged deployment (JSON, SSE or background).
 *
 * @example
 * ```ts
 * return createBridged(env, req, { body, input, history, parent, deploymentId });
 * ```
 */
export async function createBridged(env: ResponsesEnv, req: RouteRequest, c: BridgeCall): Promise<RouteResponse> {
  const { api, repo } = env;
  const owner = ownerOf(req.principal);
  const store = c.body.store !== false;
  const chat = toChatRequest(c.body, c.history, c.input);
  const id = newId('resp');
  const createdAt = nowSec();
  const base = responseObject(c.body, { id, createdAt, status: 'in_progress', output: [], usage: null });
  const callInput = {
    body: chat,
    headers: req.headers,
    requestId: req.requestId,
    principal: req.principal,
    endpoint: '/v1/responses',
    // a chain of responses is one session: explicit id, else the parent's, else this response starts one
    sessionId: sessionIdFrom(req.headers, c.body) ?? c.parent?.sessionId ?? id,
  };

  if (c.body.background) {
    if (!store) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Background responses need store: true.', { param: 'background' });
    if (c.body.stream) throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Streaming background responses are not supported on this model.', { param: 'stream' });
    const queued = { ...base, status: 'queued' as const };
    await repo.insert(record(c, owner, queued, undefined));
    const ac = new AbortController();
    env.running.set(id, ac);
    api.background(
      (async () => {
        try {
          await repo.update(record(c, owner, { ...base }, undefined));
          const out = await api.call({ ...callInput, body: { ...chat, stream: false }, signal: ac.signal });
          if (out.type !== 'completion') throw new Error('expected a completion');
          const { status, incomplete } = statusOf(out.body.choices[0]?.finish_reason);
          const done = { ...base, status, incomplete_details: incomplete, completed_at: nowSec(), output: completionOutput(out.body), usage: toResponseUsage(out.body.usage) };
          await repo.update(record(c, owner, done, out.ctx.sessionId));
        } catch (err) {
          const current = await repo.get(id, owner);
          if (current?.status === 'cancelled' || !current) return;
          const e = toGatewayError(err);
          await repo.update(record(c, owner, { ...base, status: 'failed', error: { code: e.publicCode ?? 'server_error', message: e.expose ? e.message : 'The request failed.' } }, undefined));
        } finally {
          env.running.delete(id);
        }
      })(),
    );
    return { body: queued };
  }

  const out = await api.call({ ...callInput, signal: req.signal });
  if (out.type === 'completion') {
    const { status, incomplete } = statusOf(out.body.choices[0]?.finish_reason);
    const response = {
      ...base,
      status,
      incomplete_details: incomplete,
      completed_at: nowSec(),
      output: completionOutput(out.body),
      usage: toResponseUsage(out.body.usage),
    };
    if (store) await repo.insert(record(c, owner, response, out.ctx.sessionId));
    return { headers: out.ctx.responseHeaders, body: response };
  }
  const events = responseEvents(out.chunks, base, async (final) => {
    if (store) await repo.insert(record(c, owner, final, out.ctx.sessionId));
  });
  return sseResponse(
    (async function* () {
      for await (const e of events) yield sseFrame(e, e.type);
    })(),
    out.ctx.responseHeaders,
  );
}
