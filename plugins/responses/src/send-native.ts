/**
 * One native attempt: the Responses request passed through to a provider that has the API
 * (OpenAI, Azure), read whole or as its event stream (which ends at the terminal event).
 * An upstream that answers with the id of a response it already returned would overwrite
 * that response's state: a 502.
 */
import { GatewayError, type OperationResult, type ProviderAdapter, type ProviderCall } from '@switchyard/core';
import { readJson, sseEvents } from '@switchyard/upstream';
import { stateOf } from './call-state.js';
import type { ResponsesDeps } from './deps.js';
import type { CreateResponse } from './schema.js';
import type { ResponseEvent } from './stream-events.js';
import type { ResponseObject } from './types.js';

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const upstreamInvalid = (provider: string, what: string, code = 'upstream_invalid_response') =>
  new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ${what}.`, { publicCode: code, expose: true });

/**
 * Sends one native attempt.
 *
 * @example
 * ```ts
 * const result = await sendNative(deps, adapter, upstreamBody, call);
 * ```
 */
export async function sendNative(deps: ResponsesDeps, adapter: ProviderAdapter, body: CreateResponse, call: ProviderCall): Promise<OperationResult<ResponseObject, ResponseEvent>> {
  const provider = call.deployment.provider;
  const s = stateOf(call.ctx);
  const repeated = async (upstreamId: string) => {
    if (body.store === false) return;
    const id = deps.ids.encode({ deployment: call.deployment.id, upstreamId, owner: s.owner });
    if (await deps.repo.get(id, s.owner)) throw upstreamInvalid(provider, `answered with the id of a response it had already returned (${upstreamId})`, 'upstream_duplicate_id');
  };
  const res = await adapter.passthrough!({ method: 'POST', path: '/responses', body, stream: body.stream === true }, call);
  if (body.stream !== true) {
    const json = await readJson<ResponseObject>(res, provider);
    if (json && typeof json.id === 'string') await repeated(json.id);
    return { type: 'completion', body: json };
  }
  async function* events(): AsyncGenerator<ResponseEvent> {
    let checked = false;
    for await (const ev of sseEvents(res, provider)) {
      if (!ev.data || ev.data === '[DONE]') continue;
      let data: ResponseEvent;
      try {
        data = JSON.parse(ev.data) as ResponseEvent;
      } catch {
        throw upstreamInvalid(provider, 'sent a stream event that is not JSON');
      }
      const r = (data as { response?: { id?: unknown } } | null)?.response;
      if (!checked && typeof r?.id === 'string') {
        checked = true;
        await repeated(r.id);
      }
      yield data;
      if (TERMINAL.has(data?.type)) return; // nothing after it counts (a repeated terminal event must not finish twice)
    }
  }
  return { type: 'stream', chunks: events() };
}
