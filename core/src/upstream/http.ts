/**
 * The upstream HTTP client every provider uses: undici with pooled keep-alive
 * connections, timeouts, abort, and failures mapped to OpenAI-shaped gateway errors.
 */
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { GatewayError } from '../errors.js';

// No cap on connections per upstream origin: a cap queues calls behind long-lived streams
// (with 256, the 257th concurrent stream to one provider waited for another to end).
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });

/** An upstream request. */
export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** A string or bytes body; objects are JSON-encoded with content-type set. */
  body?: string | Uint8Array | Record<string, unknown>;
  signal?: AbortSignal;
  /** Time allowed for the response headers and between body chunks (default 600 s). */
  timeoutMs?: number;
  /** Provider name for error messages. */
  provider: string;
}

/** An upstream response: status, lower-cased headers and the body stream. */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

/**
 * Sends a request upstream. Connection failures → 502, timeouts → 504, aborts propagate.
 * Does not judge the status: callers map 4xx/5xx bodies with their provider's shape.
 *
 * @example
 * ```ts
 * const res = await upstreamFetch({ url: `${base}/chat/completions`, body: request, provider: 'openai' });
 * ```
 */
export async function upstreamFetch(req: UpstreamRequest): Promise<UpstreamResponse> {
  const headers: Record<string, string> = { ...req.headers };
  let body: string | Uint8Array | undefined;
  if (req.body !== undefined && typeof req.body === 'object' && !(req.body instanceof Uint8Array)) {
    body = JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  } else {
    body = req.body;
  }
  const timeout = req.timeoutMs ?? 600_000;
  try {
    const res = await request(req.url, {
      method: req.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      signal: req.signal,
      dispatcher: agent,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    throw upstreamFailure(err, req.provider);
  }
}

/**
 * Maps a transport error (connect refused, reset, timeout) to a gateway error; aborts
 * and gateway errors pass through.
 *
 * @example
 * ```ts
 * try { ... } catch (err) { throw upstreamFailure(err, 'anthropic'); }
 * ```
 */
export function upstreamFailure(err: unknown, provider: string): unknown {
  if (err instanceof GatewayError) return err;
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED') return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new GatewayError('GW_ERR_PROVIDER_TIMEOUT', `The ${provider} upstream timed out.`, { publicCode: 'upstream_timeout', cause: err, expose: true });
  }
  return new GatewayError('GW_ERR_PROVIDER_CONNECTION', `Could not reach the ${provider} upstream: ${e.message ?? e.code ?? 'connection failed'}.`, {
    publicCode: 'upstream_connection_error',
    cause: err,
    expose: true,
  });
}

/**
 * Reads a whole upstream body as text (mapping mid-body transport failures).
 *
 * @example
 * ```ts
 * const text = await readText(res, 'openai');
 * ```
 */
export async function readText(res: UpstreamResponse, provider: string): Promise<string> {
  try {
    return await res.body.text();
  } catch (err) {
    throw upstreamFailure(err, provider);
  }
}

/**
 * Reads and parses a JSON upstream body; a non-JSON body is a 502.
 *
 * @example
 * ```ts
 * const completion = await readJson<ChatCompletion>(res, 'openai');
 * ```
 */
export async function readJson<T>(res: UpstreamResponse, provider: string): Promise<T> {
  const text = await readText(res, provider);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream answered with a body that is not JSON.`, {
      publicCode: 'upstream_invalid_response',
      expose: true,
    });
  }
}

/**
 * The value of a single-valued header.
 *
 * @example
 * ```ts
 * headerValue(res.headers, 'x-request-id');
 * ```
 */
export function headerValue(headers: UpstreamResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
