/**
 * The upstream HTTP client every provider uses: undici with pooled keep-alive
 * connections, timeouts, abort, and failures mapped to OpenAI-shaped gateway errors.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici';
import { encodeJson, GatewayError, type AbortLike, type PassthroughRawBody, type UpstreamResponse } from '@switchyard/core';
import { Readable } from 'node:stream';

// No cap on connections per upstream origin: a cap queues calls behind long-lived streams
// (with 256, the 257th concurrent stream to one provider waited for another to end).
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });

/**
 * An upstream request, for {@link upstreamFetch} and {@link upstreamBuffered}.
 *
 * @example
 * ```ts
 * const req: UpstreamRequest = { url: `${base}/chat/completions`, headers: { authorization: `Bearer ${key}` }, body: request, signal: call.signal, timeoutMs: 60_000, provider: 'acme' };
 * const res = await upstreamFetch(req);
 * ```
 */
export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  /** A string or bytes body; objects are JSON-encoded with content-type set; `raw` is streamed as it is. */
  body?: string | Uint8Array | Record<string, unknown>;
  /** A streamed body (sent instead of `body`, with its content type): see `PassthroughRequest.raw`. */
  raw?: PassthroughRawBody;
  /** Cuts the request: an AbortSignal, or a call's `abort` (`ProviderCall.abort`, no AbortSignal made). */
  signal?: AbortLike;
  /** Time allowed for the response headers and between body chunks (default 600 s). */
  timeoutMs?: number;
  /** Provider name for error messages. */
  provider: string;
}

/**
 * An upstream response read whole: status, lower-cased headers and the body as text.
 *
 * @example
 * ```ts
 * const res: BufferedResponse = await upstreamBuffered({ url: `${base}/embeddings`, body: request, provider: 'acme' });
 * if (res.status !== 200) throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The acme upstream answered ${res.status}.`, { expose: true });
 * const body = parseJson<EmbeddingsResponse>(res.text, 'acme');
 * ```
 */
export interface BufferedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function prepare(req: UpstreamRequest): { method: NonNullable<UpstreamRequest['method']>; headers: Record<string, string>; body: string | Uint8Array | Readable | undefined } {
  if (req.raw) {
    const headers: Record<string, string> = { ...req.headers, 'content-type': req.raw.contentType };
    if (req.raw.length !== undefined) headers['content-length'] = String(req.raw.length);
    return { method: req.method ?? 'POST', headers, body: req.raw.stream instanceof Readable ? req.raw.stream : Readable.from(req.raw.stream) };
  }
  // the caller's headers as they are (undici reads them, never changes them): copied only to add a type
  let headers = req.headers ?? {};
  let body: string | Uint8Array | undefined;
  if (req.body !== undefined && typeof req.body === 'object' && !(req.body instanceof Uint8Array)) {
    body = encodeJson(req.body); // the client's own bytes when the gateway holds them
    if (headers['content-type'] === undefined) headers = { ...headers, 'content-type': 'application/json' };
  } else {
    body = req.body;
  }
  return { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body };
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
  const { method, headers, body } = prepare(req);
  const timeout = req.timeoutMs ?? 600_000;
  try {
    const res = await request(req.url, {
      method,
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

/** `http://host:port/a/b?c` → origin and path, without building a URL object per call. */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('://') + 3);
  return slash === -1 ? { origin: url, path: '/' } : { origin: url.slice(0, slash), path: url.slice(slash) };
}

/**
 * Sends a request upstream and reads the whole answer as text, for JSON calls that are not
 * streamed. Same errors, timeouts and abort as {@link upstreamFetch}, but straight on the
 * connection pool's dispatcher: no response stream object per call (~15 µs less per call
 * than `request()` + `body.text()` here).
 *
 * @example
 * ```ts
 * const res = await upstreamBuffered({ url: `${base}/chat/completions`, body: request, provider: 'openai' });
 * if (res.status >= 400) throw toError(res);
 * const completion = parseJson<ChatCompletion>(res.text, 'openai');
 * ```
 */
export function upstreamBuffered(req: UpstreamRequest): Promise<BufferedResponse> {
  const { method, headers, body } = prepare(req);
  const { origin, path } = splitUrl(req.url);
  const timeout = req.timeoutMs ?? 600_000;
  return new Promise<BufferedResponse>((resolve, reject) => {
    const call = new BufferedCall(resolve, reject, req.signal, req.provider);
    if (!call.listen()) return;
    try {
      agent.dispatch({ origin, path, method, headers, body, headersTimeout: timeout, bodyTimeout: timeout }, call);
    } catch (err) {
      call.onResponseError(undefined, err as Error);
    }
  });
}

/**
 * One buffered upstream call: the dispatch handler and the abort listener in one object
 * (methods on the prototype, `handleEvent` for the signal), so a call allocates one object
 * rather than a closure per callback.
 */
class BufferedCall implements Dispatcher.DispatchHandler {
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #first: Buffer | undefined;
  #more: Buffer[] | undefined;
  #controller: Dispatcher.DispatchController | undefined;

  constructor(
    private readonly resolve: (res: BufferedResponse) => void,
    private readonly reject: (err: unknown) => void,
    private readonly signal: AbortLike | undefined,
    private readonly provider: string,
  ) {}

  /** Follows the signal; false (and rejected) when it is already aborted. */
  listen(): boolean {
    const signal = this.signal;
    if (!signal) return true;
    if (signal.aborted) {
      this.reject(signal.reason);
      return false;
    }
    signal.addEventListener('abort', this);
    return true;
  }

  /** The signal aborted: cut the request (undici then calls onResponseError). */
  handleEvent(): void {
    this.#controller?.abort(this.signal!.reason as Error);
  }

  onRequestStart(c: Dispatcher.DispatchController): void {
    this.#controller = c;
    if (this.signal?.aborted) c.abort(this.signal.reason as Error);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#first === undefined) this.#first = chunk;
    else (this.#more ??= [this.#first]).push(chunk);
  }

  onResponseEnd(): void {
    this.signal?.removeEventListener('abort', this);
    const bytes = this.#more ? Buffer.concat(this.#more) : this.#first;
    this.resolve({ status: this.#status, headers: this.#headers, text: bytes ? bytes.toString('utf8') : '' });
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, err: Error): void {
    this.signal?.removeEventListener('abort', this);
    this.reject(upstreamFailure(err, this.provider));
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
  return new GatewayError('GW_ERR_PROVIDER_CONNECTION', `Could not reach the ${provider} upstream (${transportReason(err)}).`, {
    publicCode: 'upstream_connection_error',
    cause: err,
    expose: true,
  });
}

/**
 * What went wrong on the wire, in words that name no address: the client learns the kind
 * of failure, the server log (the error's cause) keeps the host and port.
 */
function transportReason(err: unknown): string {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let i = 0; i < 3 && e; i++) {
    const code = e.code ?? '';
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'connection reset';
    if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'network unreachable';
    if (/CERT|TLS|SSL/.test(code)) return 'TLS error';
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return 'answer too large';
    if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_URL') return 'invalid upstream URL';
    e = e.cause as typeof e;
  }
  return 'connection failed';
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
  return parseJson<T>(await readText(res, provider), provider);
}

/**
 * Parses an upstream JSON body; a body that is not JSON is a 502.
 *
 * @example
 * ```ts
 * const completion = parseJson<ChatCompletion>(res.text, 'openai');
 * ```
 */
export function parseJson<T>(text: string, provider: string): T {
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

/**
 * Throws a 502 (after discarding the body) unless an upstream answer to a stream request is
 * an event stream: a 200 with an HTML page, a JSON object or nothing is not a stream, and
 * relaying it would end in a `[DONE]` the client takes for an answer.
 *
 * @example
 * ```ts
 * const res = await upstreamFetch({ ...req, headers: { accept: 'text/event-stream' } });
 * await expectEventStream(res, 'openai');
 * ```
 */
export async function expectEventStream(res: UpstreamResponse, provider: string, type = 'text/event-stream'): Promise<void> {
  const got = headerValue(res.headers, 'content-type') ?? '';
  if (got.toLowerCase().includes(type)) return;
  await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
  throw new GatewayError(
    'GW_ERR_PROVIDER_UPSTREAM',
    `The ${provider} upstream answered a stream request with ${got ? got.split(';')[0] : 'no content type'} instead of an event stream.`,
    { publicCode: 'upstream_invalid_response', expose: true },
  );
}
