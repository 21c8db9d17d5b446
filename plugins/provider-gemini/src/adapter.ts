/**
 * The chat adapter both provider ids share: the same body and answer mapping, differing
 * only in URL and auth headers.
 */
import { GatewayError, type ChatRequest, type ChatResult, type Deployment, type ProviderAdapter, type ProviderCall } from '@switchyard/core';
import { readJson, readText, sseEvents, upstreamFetch } from '@switchyard/upstream';
import { geminiError, upstreamRequestIdOf } from './errors.js';
import { toGeminiRequest, type RequestMappingOptions } from './request.js';
import { toChatCompletion } from './response.js';
import { primeStream } from './prime.js';
import { toChatChunks } from './stream.js';
import type { GeminiResponse } from './wire.js';

/** What distinguishes one Gemini-wire provider from another. */
export interface GeminiTransport {
  /** Provider id (`gemini`, `vertex_ai`). */
  id: string;
  /** The `generateContent` or `streamGenerateContent?alt=sse` URL of a deployment. */
  url(deployment: Deployment, stream: boolean): Promise<string>;
  /** Auth and extra headers for a deployment. */
  headers(deployment: Deployment): Promise<Record<string, string>>;
  /** Safety settings, thinking budgets for a deployment. */
  mapping(deployment: Deployment): RequestMappingOptions;
  timeoutMs?: number;
}

/**
 * The model path segment: `models/gemini-2.5-flash` and `gemini-2.5-flash` both give
 * `gemini-2.5-flash`.
 *
 * @example
 * ```ts
 * modelSegment('models/gemini-2.5-pro'); // 'gemini-2.5-pro'
 * ```
 */
export function modelSegment(model: string): string {
  return encodeURIComponent(model.replace(/^(publishers\/google\/)?models\//, ''));
}

/**
 * The method suffix of a model URL.
 *
 * @example
 * ```ts
 * methodSuffix(true); // ':streamGenerateContent?alt=sse'
 * ```
 */
export function methodSuffix(stream: boolean): string {
  return stream ? ':streamGenerateContent?alt=sse' : ':generateContent';
}

/**
 * The `chat` function of a Gemini-wire provider adapter.
 *
 * @example
 * ```ts
 * gateway.providers.register({ id: 'gemini', chat: geminiChat(transport) });
 * ```
 */
export function geminiChat(t: GeminiTransport): ProviderAdapter['chat'] {
  return async (request: ChatRequest, call: ProviderCall): Promise<ChatResult> => {
    const d = call.deployment;
    const stream = request.stream === true;
    const body = toGeminiRequest(request, t.mapping(d));
    const [url, headers] = await Promise.all([t.url(d, stream), t.headers(d)]);
    const res = await upstreamFetch({
      url,
      headers: { accept: stream ? 'text/event-stream' : 'application/json', ...headers },
      body: body as unknown as Record<string, unknown>,
      signal: call.signal,
      timeoutMs: d.timeoutMs ?? t.timeoutMs,
      provider: t.id,
    });
    const headerId = upstreamRequestIdOf(res.headers);
    if (res.status >= 400) throw geminiError(res, await readText(res, t.id), t.id);
    if (stream) {
      const includeUsage = request.stream_options?.include_usage === true;
      let responseId: string | undefined;
      const onResponseId = (rid: string) => void (responseId = rid);
      try {
        // held until the first chunk that says something: an error object, a failed finish or
        // an answer without candidates up to there is a plain HTTP error, not a 200 stream
        const chunks = await primeStream(toChatChunks(sseEvents(res, t.id), { includeUsage, model: d.model, provider: t.id, onResponseId }));
        return { type: 'stream', chunks, upstreamRequestId: headerId ?? responseId };
      } catch (err) {
        if (err instanceof GatewayError && (headerId ?? responseId)) err.headers['x-upstream-request-id'] ??= (headerId ?? responseId)!;
        throw err;
      }
    }
    const answer = await readJson<GeminiResponse>(res, t.id);
    return { type: 'completion', body: toChatCompletion(answer, d.model, t.id), upstreamRequestId: headerId ?? answer.responseId };
  };
}
