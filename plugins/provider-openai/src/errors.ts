/**
 * Upstream OpenAI errors → gateway errors that keep the upstream status and error body.
 */
import { GatewayError, headerValue, type UpstreamResponse } from '@switchyard/core';

interface OpenAIErrorShape {
  message?: unknown;
  type?: unknown;
  param?: unknown;
  code?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/**
 * Maps a non-2xx upstream response (already read as text) to a GatewayError with the same
 * status and, when the body is an OpenAI error, the same type/param/code/message.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw openAIError(res, await readText(res, 'openai'), 'openai');
 * ```
 */
export function openAIError(res: Pick<UpstreamResponse, 'status' | 'headers'>, text: string, provider: string): GatewayError {
  let err: OpenAIErrorShape | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: OpenAIErrorShape | string };
    err = typeof parsed.error === 'object' && parsed.error ? parsed.error : typeof parsed.error === 'string' ? { message: parsed.error } : undefined;
  } catch {
    /* not JSON */
  }
  const headers: Record<string, string> = {};
  for (const h of ['retry-after', 'retry-after-ms', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests']) {
    const v = headerValue(res.headers, h);
    if (v) headers[h] = v;
  }
  const upstreamId = headerValue(res.headers, 'x-request-id');
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
  const fallbackType = status === 401 ? 'authentication_error' : status === 403 ? 'permission_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const message = str(err?.message) ?? (text.trim().slice(0, 500) || `The ${provider} upstream answered with status ${status}.`);
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status,
    type: str(err?.type) ?? fallbackType,
    param: str(err?.param),
    publicCode: str(err?.code),
    headers,
    expose: true,
  });
}

/**
 * A gateway error for an `error` object the upstream sent inside a stream.
 *
 * @example
 * ```ts
 * if (chunk.error) throw streamError(chunk.error, 'openai');
 * ```
 */
export function streamError(error: unknown, provider: string): GatewayError {
  const e = (typeof error === 'object' && error ? error : { message: String(error) }) as OpenAIErrorShape;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', str(e.message) ?? `The ${provider} upstream failed mid-stream.`, {
    type: str(e.type) ?? 'server_error',
    publicCode: str(e.code),
    param: str(e.param),
    expose: true,
  });
}
