/**
 * OpenAI-shaped upstream errors → gateway errors that keep the upstream status, type, param,
 * code and message: OpenAI, Azure OpenAI (incl. API Management's `{"statusCode","message"}`)
 * and every OpenAI-compatible server answer errors this way.
 */
import { GatewayError, type UpstreamResponse } from '@switchyard/core';
import { headerValue } from '../http.js';
import { upstreamRequestId, type OpenAIWire } from './wire.js';

interface OpenAIErrorShape {
  message?: unknown;
  type?: unknown;
  param?: unknown;
  code?: unknown;
}

/** Response headers passed on to the client with an upstream error. */
const PASSED_HEADERS = ['retry-after', 'retry-after-ms', 'x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-requests'];

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

function fallbackType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

function errorOf(text: string): OpenAIErrorShape | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: OpenAIErrorShape | string; message?: unknown } | null;
    if (typeof parsed?.error === 'object' && parsed.error) return parsed.error;
    if (typeof parsed?.error === 'string') return { message: parsed.error };
    if (parsed?.message !== undefined) return { message: parsed.message };
  } catch {
    /* not JSON */
  }
  return undefined;
}

/**
 * Maps a non-2xx upstream response (already read as text) to a GatewayError with the same
 * status and, when the body is an OpenAI error, the same type/param/code/message (a bare
 * numeric `code` such as Azure's `"429"` becomes null). `retry-after`, rate-limit headers and
 * the upstream request id (`x-upstream-request-id`, found by the wire's rule) go to the client with it.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw openAIError(res, await readText(res, 'openai'), 'openai');
 * ```
 */
export function openAIError(
  res: Pick<UpstreamResponse, 'status' | 'headers'>,
  text: string,
  provider: string,
  wire: OpenAIWire = {},
): GatewayError {
  const err = errorOf(text);
  const headers: Record<string, string> = {};
  for (const h of PASSED_HEADERS) {
    const v = headerValue(res.headers, h);
    if (v) headers[h] = v;
  }
  const upstreamId = upstreamRequestId(wire, res.headers);
  if (upstreamId) headers['x-upstream-request-id'] = upstreamId;
  const status = res.status;
  if (status < 400) {
    // a redirect or an odd status: say what happened without the address it pointed at
    return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream answered with status ${status}; check the deployment's apiBase.`, {
      publicCode: 'upstream_invalid_response',
      headers,
      expose: true,
    });
  }
  const code = str(err?.code);
  const message = str(err?.message) ?? (text.trim().slice(0, 500) || `The ${provider} upstream answered with status ${status}.`);
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status,
    type: str(err?.type) ?? fallbackType(status),
    param: str(err?.param),
    publicCode: code && !/^\d+$/.test(code) ? code : null,
    headers,
    expose: true,
  });
}

/**
 * A gateway error for an `error` object the upstream sent inside a stream.
 *
 * @example
 * ```ts
 * if (chunk.error) throw openAIStreamError(chunk.error, 'openai');
 * ```
 */
export function openAIStreamError(error: unknown, provider: string): GatewayError {
  const e = (typeof error === 'object' && error ? error : { message: String(error) }) as OpenAIErrorShape;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', str(e.message) ?? `The ${provider} upstream failed mid-stream.`, {
    type: str(e.type) ?? 'server_error',
    publicCode: str(e.code),
    param: str(e.param),
    expose: true,
  });
}
