/**
 * Google API errors (`{"error":{"code","message","status","details"}}`) → gateway errors
 * in the OpenAI shape that keep the upstream status, `retry-after` and request id.
 */
import { GatewayError, type OpenAIErrorType, type UpstreamResponse } from '@switchyard/core';
import { headerValue } from '@switchyard/upstream';
import type { GeminiErrorBody } from './wire.js';

/** Headers that carry the upstream request id, in order of preference. */
export const REQUEST_ID_HEADERS = ['x-goog-request-id', 'x-request-id', 'x-cloud-trace-context'] as const;

/**
 * The upstream request id from a response's headers.
 *
 * @example
 * ```ts
 * upstreamRequestIdOf(res.headers); // 'abc123' or undefined
 * ```
 */
export function upstreamRequestIdOf(headers: UpstreamResponse['headers']): string | undefined {
  for (const h of REQUEST_ID_HEADERS) {
    const v = headerValue(headers, h);
    if (v) return v;
  }
  return undefined;
}

/**
 * The OpenAI error type for an HTTP status.
 *
 * @example
 * ```ts
 * errorTypeFor(429); // 'rate_limit_error'
 * ```
 */
export function errorTypeFor(status: number): OpenAIErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 504) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Seconds of a google.rpc.RetryInfo `retryDelay` such as `"37s"` or `"1.5s"`, rounded up. */
function retryDelaySeconds(details: Array<Record<string, unknown>> | undefined): string | undefined {
  for (const d of details ?? []) {
    if (typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo') && typeof d.retryDelay === 'string') {
      const s = Number.parseFloat(d.retryDelay);
      if (Number.isFinite(s)) return String(Math.max(1, Math.ceil(s)));
    }
  }
  return undefined;
}

function isInvalidApiKey(details: Array<Record<string, unknown>> | undefined): boolean {
  return (details ?? []).some((d) => d.reason === 'API_KEY_INVALID');
}

/**
 * Maps a non-2xx Gemini/Vertex response (body already read) to a GatewayError: same status
 * (an invalid API key, which Google answers with 400, becomes 401), the Google message,
 * `code` = the lower-cased Google status, `retry-after` from the header or RetryInfo.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw geminiError(res, await readText(res, 'gemini'), 'gemini');
 * ```
 */
export function geminiError(res: Pick<UpstreamResponse, 'status' | 'headers'>, text: string, provider: string): GatewayError {
  let body: GeminiErrorBody['error'];
  try {
    const parsed = JSON.parse(text) as GeminiErrorBody | GeminiErrorBody[];
    body = (Array.isArray(parsed) ? parsed[0] : parsed)?.error;
  } catch {
    /* not JSON */
  }
  const status = res.status === 400 && isInvalidApiKey(body?.details) ? 401 : res.status;
  const headers: Record<string, string> = {};
  const retryAfter = headerValue(res.headers, 'retry-after') ?? (status === 429 || status === 503 ? retryDelaySeconds(body?.details) : undefined);
  if (retryAfter) headers['retry-after'] = retryAfter;
  const requestId = upstreamRequestIdOf(res.headers);
  if (requestId) headers['x-upstream-request-id'] = requestId;
  const message = (typeof body?.message === 'string' && body.message) || text.trim().slice(0, 500) || `The ${provider} upstream answered with status ${res.status}.`;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status,
    type: errorTypeFor(status),
    publicCode: typeof body?.status === 'string' ? body.status.toLowerCase() : null,
    headers,
    expose: true,
  });
}

/**
 * A gateway error for an `error` object sent inside a stream.
 *
 * @example
 * ```ts
 * if (event.error) throw geminiStreamError(event.error, 'gemini');
 * ```
 */
export function geminiStreamError(error: unknown, provider: string): GatewayError {
  const e = (typeof error === 'object' && error ? error : { message: String(error) }) as NonNullable<GeminiErrorBody['error']>;
  const code = typeof e.code === 'number' && e.code >= 400 ? e.code : 502;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', typeof e.message === 'string' ? e.message : `The ${provider} upstream failed mid-stream.`, {
    status: code,
    type: errorTypeFor(code),
    publicCode: typeof e.status === 'string' ? e.status.toLowerCase() : null,
    expose: true,
  });
}
