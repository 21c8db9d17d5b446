/**
 * Anthropic Message Batches (`/v1/messages/batches`) behind OpenAI's Batches: lines converted
 * with the chat conversion (`toAnthropicRequest`), the create body streamed as it is built,
 * status and counts in OpenAI terms, results converted back to OpenAI batch output lines
 * (`toChatCompletion`; errored, canceled and expired requests as error lines).
 *
 * Upstream `custom_id`s are `l<line number>`: Anthropic takes only `[a-zA-Z0-9_-]{1,64}`, an
 * OpenAI client any string, so the batches plugin puts the client's back by line number.
 */
import { createInterface } from 'node:readline';
import { GatewayError, withoutGatewayFields, type ChatRequest, type Deployment, type NativeBatchLine, type NativeBatchResult, type NativeBatches, type NativeBatchState, type ProviderCall } from '@switchyard/core';
import { readJson, readText, upstreamFetch, type UpstreamRequest } from '@switchyard/upstream';
import { ANTHROPIC_ERROR_STATUS, anthropicError } from './errors.js';
import { JSON_TOOL_NAME, toAnthropicRequest, type RequestMappingOptions } from './request.js';
import { toChatCompletion } from './response.js';
import type { AnthropicRequest, AnthropicResponse } from './wire.js';

/** A Message Batch, as far as it is read. */
interface MessageBatch {
  id: string;
  processing_status: 'in_progress' | 'canceling' | 'ended';
  request_counts: { processing: number; succeeded: number; errored: number; canceled: number; expired: number };
  cancel_initiated_at?: string | null;
  expires_at?: string | null;
}

/** One line of a Message Batch's results. */
interface ResultLine {
  custom_id: string;
  result:
    | { type: 'succeeded'; message: AnthropicResponse }
    | { type: 'errored'; error: { error?: { type?: string; message?: string }; request_id?: string | null } }
    | { type: 'canceled' }
    | { type: 'expired' };
}

/** What the provider lends its batches: URL, headers and conversion options per deployment. */
export interface AnthropicBatchesEnv {
  provider: string;
  batchesUrl(d: Deployment): string;
  headers(d: Deployment): Record<string, string>;
  mapping(d: Deployment): RequestMappingOptions;
  timeoutMs(d: Deployment): number | undefined;
  /** Most requests per Message Batch (Anthropic's limit: 100,000). */
  maxRequests: number;
}

const invalidLine = (message: string, param: string | null) => new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: 'invalid_value' });

/** The upstream `custom_id` of input line `no`. */
const keyOf = (no: number) => `l${no}`;

/**
 * A Message Batch's state in OpenAI terms: `ended` is `cancelled` after a cancel, `expired`
 * when requests expired, else `completed`; errored, canceled and expired requests count failed.
 *
 * @example
 * ```ts
 * stateOf({ id: 'msgbatch_1', processing_status: 'ended', request_counts: { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 } });
 * // { id: 'msgbatch_1', status: 'completed', counts: { total: 3, completed: 2, failed: 1 }, expiresAt: null }
 * ```
 */
export function stateOf(b: MessageBatch): NativeBatchState {
  const c = b.request_counts;
  const failed = c.errored + c.canceled + c.expired;
  let status: NativeBatchState['status'] = b.processing_status === 'in_progress' ? 'in_progress' : 'cancelling';
  if (b.processing_status === 'ended') status = b.cancel_initiated_at ? 'cancelled' : c.expired > 0 ? 'expired' : 'completed';
  const expires = b.expires_at ? Date.parse(b.expires_at) : NaN;
  return { id: b.id, status, counts: { total: c.processing + c.succeeded + failed, completed: c.succeeded, failed }, expiresAt: Number.isFinite(expires) ? Math.floor(expires / 1000) : null };
}

/**
 * One result line as an OpenAI batch output line (keyed by its input line number), or
 * undefined for a line that is not one of ours.
 *
 * @example
 * ```ts
 * toBatchResult('msgbatch_1', { custom_id: 'l3', result: { type: 'canceled' } });
 * // { no: 3, id: 'batch_req_msgbatch_1_3', response: null, error: { code: 'batch_cancelled', ... } }
 * ```
 */
export function toBatchResult(batchId: string, line: ResultLine): NativeBatchResult | undefined {
  const m = /^l(\d+)$/.exec(line.custom_id);
  if (!m) return undefined;
  const no = Number(m[1]);
  const id = `batch_req_${batchId}_${no}`;
  const r = line.result;
  if (r.type === 'succeeded') {
    // the reserved JSON tool is only offered for `response_format`: its call is the answer
    const jsonTool = r.message.content?.some((b) => b.type === 'tool_use' && (b as { name?: string }).name === JSON_TOOL_NAME) === true;
    return { no, id, response: { status_code: 200, request_id: r.message.id, body: toChatCompletion(r.message, { jsonTool }) }, error: null };
  }
  if (r.type === 'errored') {
    const type = r.error?.error?.type ?? 'api_error';
    const status = ANTHROPIC_ERROR_STATUS[type] ?? 500;
    const body = { error: { message: r.error?.error?.message ?? 'The request failed.', type: type === 'api_error' ? 'server_error' : type, param: null, code: type } };
    return { no, id, response: { status_code: status, request_id: r.error?.request_id ?? id, body }, error: null };
  }
  if (r.type === 'canceled') return { no, id, response: null, error: { code: 'batch_cancelled', message: 'This request was cancelled before it ran.' } };
  return { no, id, response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } };
}

/**
 * The Anthropic adapter's native batches.
 *
 * @example
 * ```ts
 * gateway.providers.register({ id: 'anthropic', chat, nativeBatches: anthropicBatches(env) });
 * ```
 */
export function anthropicBatches(env: AnthropicBatchesEnv): NativeBatches {
  const { provider } = env;

  /** The line's Message request (what the chat path sends for it), or its 400. */
  function params(line: NativeBatchLine, d: Deployment): AnthropicRequest {
    const { stream: _stream, stream_options: _opts, ...body } = { ...d.params, ...withoutGatewayFields(line.body), model: d.model } as ChatRequest;
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalidLine("'messages' must be a non-empty array.", 'messages');
    try {
      return toAnthropicRequest(body as ChatRequest, env.mapping(d));
    } catch (err) {
      // a body the conversion cannot read (a field of the wrong type) is the client's mistake
      if (err instanceof GatewayError) throw err;
      throw invalidLine(`The request body is not a valid chat request: ${(err as Error).message}`, null);
    }
  }

  async function send(call: ProviderCall, req: Omit<UpstreamRequest, 'url' | 'headers' | 'provider' | 'signal' | 'timeoutMs'> & { path?: string; accept?: string }) {
    const d = call.deployment;
    const { path = '', accept, ...rest } = req;
    const headers = accept ? { ...env.headers(d), accept } : env.headers(d);
    const res = await upstreamFetch({ ...rest, url: `${env.batchesUrl(d)}${path}`, headers, signal: call.signal, timeoutMs: env.timeoutMs(d), provider });
    if (res.status >= 400) throw anthropicError(res, await readText(res, provider), provider);
    return res;
  }
  const json = async (call: ProviderCall, req: Parameters<typeof send>[1]) => stateOf(await readJson<MessageBatch>(await send(call, req), provider));

  return {
    endpoints: ['/v1/chat/completions'],
    maxRequests: env.maxRequests,
    check(line, d) {
      params(line, d);
    },
    async submit(lines, call) {
      const d = call.deployment;
      const p = params;
      async function* body(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('{"requests":[');
        let first = true;
        for await (const l of lines) {
          yield Buffer.from(`${first ? '' : ','}${JSON.stringify({ custom_id: keyOf(l.no), params: p(l, d) })}`);
          first = false;
        }
        yield Buffer.from(']}');
      }
      return json(call, { method: 'POST', raw: { stream: body(), contentType: 'application/json' } });
    },
    retrieve(id, call) {
      return json(call, { method: 'GET', path: `/${encodeURIComponent(id)}` });
    },
    cancel(id, call) {
      return json(call, { method: 'POST', path: `/${encodeURIComponent(id)}/cancel` });
    },
    async *results(id, call) {
      const res = await send(call, { method: 'GET', path: `/${encodeURIComponent(id)}/results`, accept: 'application/binary' });
      const rl = createInterface({ input: res.body, crlfDelay: Infinity });
      try {
        for await (const text of rl) {
          if (text.trim() === '') continue;
          const r = toBatchResult(id, JSON.parse(text) as ResultLine);
          if (r) yield r;
        }
      } finally {
        rl.close();
        res.body.destroy();
      }
    },
  };
}
