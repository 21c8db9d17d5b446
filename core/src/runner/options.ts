/**
 * Per-request routing options, from the body (LiteLLM's `timeout`, `stream_timeout`,
 * `num_retries`, in seconds and counts) or headers (`x-switchyard-timeout`,
 * `x-switchyard-stream-timeout`, `x-switchyard-retries`, and LiteLLM's `x-litellm-timeout`,
 * `x-litellm-num-retries`). These fields are the gateway's: they never go upstream.
 */
import { GatewayError } from '../errors.js';
import type { CallContext, CallRequest } from '../types/index.js';

/**
 * Top-level body fields that are for the gateway, not the provider (metadata, the session id
 * forms, the routing options): never forwarded upstream (OpenAI rejects unknown fields).
 */
export const GATEWAY_BODY_FIELDS: readonly string[] = ['metadata', 'litellm_metadata', 'session_id', 'litellm_session_id', 'timeout', 'stream_timeout', 'num_retries'];

/** A call's own routing options. */
export interface CallOptions {
  /** Time for one attempt (streams: until the first chunk), in ms. */
  timeoutMs?: number;
  /** Time for one streamed attempt until its first chunk, in ms (wins over `timeoutMs` for streams). */
  streamTimeoutMs?: number;
  /** Retries after a failed attempt (wins over `router.retries`). */
  retries?: number;
}

const header = (ctx: CallContext, name: string): string | undefined => {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function seconds(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 86_400) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid value for '${param}': expected a number of seconds above 0 and at most 86400.`, { param, publicCode: 'invalid_value' });
  }
  return Math.ceil(n * 1000);
}

function count(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 20) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid value for '${param}': expected a whole number from 0 to 20.`, { param, publicCode: 'invalid_value' });
  }
  return n;
}

/**
 * The routing options of a call (400 with `param` for a bad value).
 *
 * @example
 * ```ts
 * callOptions({ model: 'gpt-4o', timeout: 2.5 }, ctx); // { timeoutMs: 2500 }
 * ```
 */
export function callOptions(request: CallRequest, ctx: CallContext): CallOptions {
  const out: CallOptions = {};
  const timeout = seconds(request.timeout, 'timeout') ?? seconds(header(ctx, 'x-switchyard-timeout') ?? header(ctx, 'x-litellm-timeout'), 'x-switchyard-timeout');
  const streamTimeout = seconds(request.stream_timeout, 'stream_timeout') ?? seconds(header(ctx, 'x-switchyard-stream-timeout'), 'x-switchyard-stream-timeout');
  const retries = count(request.num_retries, 'num_retries') ?? count(header(ctx, 'x-switchyard-retries') ?? header(ctx, 'x-litellm-num-retries'), 'x-switchyard-retries');
  if (timeout !== undefined) out.timeoutMs = timeout;
  if (streamTimeout !== undefined) out.streamTimeoutMs = streamTimeout;
  if (retries !== undefined) out.retries = retries;
  return out;
}

/**
 * `request` without the gateway's own fields (a copy only when it has any).
 *
 * @example
 * ```ts
 * withoutGatewayFields({ model: 'x', metadata: {}, messages }); // { model: 'x', messages }
 * ```
 */
export function withoutGatewayFields<R extends CallRequest>(request: R): R {
  let out: R | undefined;
  for (const f of GATEWAY_BODY_FIELDS) {
    if (request[f] !== undefined) {
      out ??= { ...request };
      delete out[f];
    }
  }
  return out ?? request;
}
