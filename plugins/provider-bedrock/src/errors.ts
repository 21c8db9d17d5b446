/**
 * Bedrock errors → gateway errors in the OpenAI shape. The error type comes from the
 * `x-amzn-errortype` header (HTTP) or the `:exception-type` header (event streams), the
 * message from the `{"message"}` body.
 */
import { GatewayError, type UpstreamResponse } from '@switchyard/core';
import { headerValue } from '@switchyard/upstream';

interface Mapped {
  status: number;
  type: string;
}

/** AWS error type → OpenAI status and type. */
const ERRORS: Record<string, Mapped> = {
  ValidationException: { status: 400, type: 'invalid_request_error' },
  SerializationException: { status: 400, type: 'invalid_request_error' },
  AccessDeniedException: { status: 403, type: 'permission_error' },
  UnrecognizedClientException: { status: 401, type: 'authentication_error' },
  InvalidSignatureException: { status: 401, type: 'authentication_error' },
  IncompleteSignatureException: { status: 401, type: 'authentication_error' },
  MissingAuthenticationTokenException: { status: 401, type: 'authentication_error' },
  ExpiredTokenException: { status: 401, type: 'authentication_error' },
  ResourceNotFoundException: { status: 404, type: 'not_found_error' },
  ThrottlingException: { status: 429, type: 'rate_limit_error' },
  ServiceQuotaExceededException: { status: 429, type: 'rate_limit_error' },
  ModelNotReadyException: { status: 503, type: 'server_error' },
  ModelTimeoutException: { status: 504, type: 'timeout_error' },
  ModelErrorException: { status: 502, type: 'server_error' },
  ModelStreamErrorException: { status: 502, type: 'server_error' },
  InternalServerException: { status: 500, type: 'server_error' },
  ServiceUnavailableException: { status: 503, type: 'server_error' },
};

function byStatus(status: number): Mapped {
  if (status === 401) return { status, type: 'authentication_error' };
  if (status === 403) return { status, type: 'permission_error' };
  if (status === 404) return { status, type: 'not_found_error' };
  if (status === 429) return { status, type: 'rate_limit_error' };
  if (status === 424) return { status: 502, type: 'server_error' };
  if (status >= 500) return { status, type: 'server_error' };
  return { status: status >= 400 ? status : 502, type: status >= 400 ? 'invalid_request_error' : 'server_error' };
}

/**
 * The AWS error type name: `x-amzn-errortype: ThrottlingException:http://…` → `ThrottlingException`,
 * `throttlingException` → `ThrottlingException`.
 *
 * @example
 * ```ts
 * awsErrorType('ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/'); // 'ValidationException'
 * ```
 */
export function awsErrorType(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const name = raw.split(':')[0]!.split('#').at(-1)!.trim();
  return name ? name[0]!.toUpperCase() + name.slice(1) : undefined;
}

/**
 * A GatewayError for a Bedrock error type, status and message.
 *
 * @example
 * ```ts
 * bedrockErrorFor('ThrottlingException', 429, 'Too many requests, please wait before trying again.');
 * ```
 */
export function bedrockErrorFor(errorType: string | undefined, status: number, message: string, headers: Record<string, string> = {}): GatewayError {
  const mapped = (errorType && ERRORS[errorType]) || byStatus(status);
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', message, {
    status: mapped.status,
    type: mapped.type,
    publicCode: errorType ?? null,
    headers,
    expose: true,
  });
}

/**
 * Maps a non-2xx Bedrock response (already read as text) to a GatewayError.
 *
 * @example
 * ```ts
 * if (res.status >= 400) throw bedrockError(res, await readText(res, 'bedrock'));
 * ```
 */
export function bedrockError(res: Pick<UpstreamResponse, 'status' | 'headers'>, text: string): GatewayError {
  let message: string | undefined;
  let bodyType: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown; __type?: unknown };
    const m = parsed.message ?? parsed.Message;
    if (typeof m === 'string') message = m;
    if (typeof parsed.__type === 'string') bodyType = parsed.__type;
  } catch {
    /* not JSON */
  }
  const headers: Record<string, string> = {};
  const retryAfter = headerValue(res.headers, 'retry-after');
  if (retryAfter) headers['retry-after'] = retryAfter;
  const requestId = headerValue(res.headers, 'x-amzn-requestid');
  if (requestId) headers['x-upstream-request-id'] = requestId;
  const errorType = awsErrorType(headerValue(res.headers, 'x-amzn-errortype') ?? bodyType);
  return bedrockErrorFor(errorType, res.status, message ?? (text.trim().slice(0, 500) || `The bedrock upstream answered with status ${res.status}.`), headers);
}

/**
 * Adds the upstream request id and `retry-after` of a streaming response to an error raised
 * before its first event, which the gateway then answers as a plain HTTP error.
 *
 * @example
 * ```ts
 * try { chunks = await primeStream(streamChunks(res, meta)); } catch (err) { throw withUpstreamHeaders(err, res); }
 * ```
 */
export function withUpstreamHeaders(err: unknown, res: UpstreamResponse): unknown {
  if (!(err instanceof GatewayError)) return err;
  const requestId = headerValue(res.headers, 'x-amzn-requestid');
  if (requestId) err.headers['x-upstream-request-id'] ??= requestId;
  const retryAfter = headerValue(res.headers, 'retry-after');
  if (retryAfter) err.headers['retry-after'] ??= retryAfter;
  return err;
}
