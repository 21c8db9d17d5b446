/**
 * Azure error bodies → gateway errors in the OpenAI shape, keeping the upstream status.
 *
 * Azure answers `{"error":{"code","message","innererror"?}}` (codes like `DeploymentNotFound`,
 * `content_filter` or a bare status such as `"429"`), and API Management answers
 * `{"statusCode":401,"message":"…"}`.
 */
import { GatewayError, headerValue, type UpstreamResponse } from '@switchyard/core';

interface AzureErrorShape {
  code?: unknown;
  message?: unknown;
  type?: unknown;
  param?: unknown;
  innererror?: { code?: unknown } | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** The upstream request id of an Azure response (`x-request-id`, else `apim-request-id`). */
export function azureRequestId(headers: UpstreamResponse['headers']): string | undefined {
  return headerValue(headers, 'x-request-id') ?? headerValue(headers, 'apim-request-id');
}

function fallbackType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/**
 * Maps a non-2xx Azure response (already read as text) to a GatewayError with the same
 * status; the Azure `code` becomes the OpenAI `code` (bare numeric codes become null),
 * `retry-after` and the upstream request id are passed on as headers.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw azureError(res, await readText(res, 'azure'), 'azure');
 * ```
 */
export function azureError(res: Pick<UpstreamResponse, 'status' | 'headers'>, text: string, provider: string): GatewayError {
  let err: AzureErrorShape | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: AzureErrorShape | string; message?: unknown };
    if (typeof parsed.error === 'object' && parsed.error) err = parsed.error;
    else if (typeof parsed.error === 'string') err = { message: parsed.error };
    else if (parsed.message !== undefined) err = { message: parsed.message };
  } catch {
    /* not JSON */
  }
  const headers: Record<string, string> = {};
  for (const h of ['retry-after', 'retry-after-ms', 'x-ratelimit-remaining-requests', 'x-ratelimit-remaining-tokens']) {
    const v = headerValue(res.headers, h);
    if (v) headers[h] = v;
  }
  const upstreamId = azureRequestId(res.headers);
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
 * A gateway error for an `error` object Azure sent inside a stream.
 *
 * @example
 * ```ts
 * if (chunk.error) throw azureStreamError(chunk.error, 'azure');
 * ```
 */
export function azureStreamError(error: unknown, provider: string): GatewayError {
  const e = (typeof error === 'object' && error ? error : { message: String(error) }) as AzureErrorShape;
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', str(e.message) ?? `The ${provider} upstream failed mid-stream.`, {
    type: str(e.type) ?? 'server_error',
    publicCode: str(e.code),
    expose: true,
  });
}
