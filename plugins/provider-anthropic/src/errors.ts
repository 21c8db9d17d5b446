/**
 * Anthropic errors (`{"type":"error","error":{"type","message"},"request_id"}`) → gateway
 * errors in the OpenAI shape, keeping the status (529 overloaded → 503).
 */
import { GatewayError, type UpstreamResponse } from '@switchyard/core';
import { headerValue } from '@switchyard/upstream';

/** Status the gateway answers with for each Anthropic error type (stream `error` events carry no status). */
export const ANTHROPIC_ERROR_STATUS: Readonly<Record<string, number>> = Object.freeze({
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 503,
});

/** OpenAI `type` for each Anthropic error type (Anthropic's own name unless OpenAI has one). */
function openAIType(anthropicType: string | undefined, status: number): string {
  if (anthropicType === 'api_error') return 'server_error';
  if (anthropicType === 'request_too_large') return 'invalid_request_error';
  if (anthropicType) return anthropicType;
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

function parseError(text: string): { type?: string; message?: string; requestId?: string } {
  try {
    const body = JSON.parse(text) as { error?: { type?: unknown; message?: unknown } | string; request_id?: unknown };
    const e = body.error;
    const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
    if (typeof e === 'string') return { message: e, requestId };
    if (e && typeof e === 'object') {
      return {
        type: typeof e.type === 'string' ? e.type : undefined,
        message: typeof e.message === 'string' ? e.message : undefined,
        requestId,
      };
    }
  } catch {
    /* not JSON */
  }
  return {};
}

/**
 * Maps a non-2xx Anthropic response (body already read as text) to a GatewayError with the
 * same status (529 → 503), the Anthropic error type (also as `code`) and message, `retry-after` passed on,
 * and the upstream `request-id` as `x-upstream-request-id`.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw anthropicError(res, await readText(res, 'anthropic'), 'anthropic');
 * ```
 */
export function anthropicError(res: UpstreamResponse, text: string, provider = 'anthropic'): GatewayError {
  const parsed = parseError(text);
  const headers: Record<string, string> = {};
  for (const h of ['retry-after', 'retry-after-ms']) {
    const v = headerValue(res.headers, h);
    if (v) headers[h] = v;
  }
  const upstreamId = headerValue(res.headers, 'request-id') ?? parsed.requestId;
  if (upstreamId) headers['x-upstream-request-id'] = upstreamId;
  const status = res.status === 529 ? 503 : res.status;
  const message = parsed.message ?? (text.trim().slice(0, 500) || `The ${provider} upstream answered with status ${res.status}.`);
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status,
    type: openAIType(parsed.type, res.status),
    publicCode: parsed.type ?? null,
    headers,
    expose: true,
  });
}

/**
 * A gateway error for an `error` event inside an Anthropic stream (e.g. `overloaded_error`).
 * The HTTP status was already sent, so the status comes from the error type.
 *
 * @example
 * ```ts
 * if (event.type === 'error') throw anthropicStreamError(event.error);
 * ```
 */
export function anthropicStreamError(error: unknown, provider = 'anthropic'): GatewayError {
  const e = (error && typeof error === 'object' ? error : {}) as { type?: unknown; message?: unknown };
  const type = typeof e.type === 'string' ? e.type : undefined;
  const status = (type && ANTHROPIC_ERROR_STATUS[type]) || 502;
  const message = typeof e.message === 'string' ? e.message : `The ${provider} upstream failed mid-stream.`;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status,
    type: openAIType(type, status),
    publicCode: type ?? null,
    expose: true,
  });
}
