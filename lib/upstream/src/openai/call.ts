/**
 * One call to an OpenAI-compatible upstream: chat (whole or streamed), embeddings, and a
 * pass-through to a native API, with OpenAI's error mapping.
 */
import { setEncodedJson, type ChatCompletion, type ChatRequest, type ChatResult, type EmbeddingsResponse, type UpstreamResponse } from '@switchyard/core';
import { expectEventStream, parseJson, readText, upstreamBuffered, upstreamFetch, type UpstreamRequest } from '../http.js';
import { openAIError } from './errors.js';
import { openAIChunks } from './stream.js';
import { upstreamRequestId, type OpenAIWire } from './wire.js';

const ok = (status: number) => status >= 200 && status < 300;

/**
 * Sends a chat request (`upstream.body`) and returns the completion, or the stream once its
 * headers say it is one. Non-2xx answers throw {@link openAIError}.
 *
 * @example
 * ```ts
 * return openAIChat({ url: `${base}/chat/completions`, headers, body: request, signal: call.signal, provider: 'openai' }, request);
 * ```
 */
export async function openAIChat(upstream: UpstreamRequest, request: Pick<ChatRequest, 'stream'>, wire: OpenAIWire = {}): Promise<ChatResult> {
  const { provider } = upstream;
  if (!request.stream) {
    // read whole: no response stream object per call
    const res = await upstreamBuffered(upstream);
    if (!ok(res.status)) throw openAIError(res, res.text, provider, wire);
    const body = parseJson<ChatCompletion>(res.text, provider);
    // relayed as these bytes unless something changes the answer (a non-object fails the answer check next)
    if (body !== null && typeof body === 'object') setEncodedJson(body, res.text);
    return { type: 'completion', body, upstreamRequestId: upstreamRequestId(wire, res.headers) };
  }
  const res = await upstreamFetch(upstream);
  if (!ok(res.status)) throw openAIError(res, await readText(res, provider), provider, wire);
  await expectEventStream(res, provider);
  return { type: 'stream', chunks: openAIChunks(res, provider, wire), upstreamRequestId: upstreamRequestId(wire, res.headers) };
}

/**
 * Sends an embeddings request and reads the answer whole.
 *
 * @example
 * ```ts
 * return openAIEmbeddings({ url: `${base}/embeddings`, headers, body: request, provider: 'openai' });
 * ```
 */
export async function openAIEmbeddings(upstream: UpstreamRequest, wire: OpenAIWire = {}): Promise<{ body: EmbeddingsResponse; upstreamRequestId?: string }> {
  const res = await upstreamBuffered(upstream);
  if (!ok(res.status)) throw openAIError(res, res.text, upstream.provider, wire);
  return { body: parseJson<EmbeddingsResponse>(res.text, upstream.provider), upstreamRequestId: upstreamRequestId(wire, res.headers) };
}

/**
 * Forwards a request to a native API and returns the response unread; non-2xx throws.
 *
 * @example
 * ```ts
 * const res = await openAIPassthrough({ method: 'GET', url: `${base}/responses/${id}`, headers, provider: 'openai' });
 * ```
 */
export async function openAIPassthrough(upstream: UpstreamRequest, wire: OpenAIWire = {}): Promise<UpstreamResponse> {
  const res = await upstreamFetch(upstream);
  if (!ok(res.status)) throw openAIError(res, await readText(res, upstream.provider), upstream.provider, wire);
  return res;
}
