/**
 * Reading an OpenAI chat stream: SSE events → chat chunks, one by one as they arrive.
 */
import { GatewayError, type ChatChunk, type UpstreamResponse } from '@switchyard/core';
import { sseEvents } from '../sse.js';
import { openAIStreamError } from './errors.js';
import type { OpenAIWire } from './wire.js';

/**
 * Yields the chat chunks of an OpenAI SSE stream until `[DONE]`; an `error` event or chunk
 * becomes a thrown gateway error, a non-JSON event a 502 `upstream_invalid_response`.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: openAIChunks(res, 'openai') };
 * ```
 */
export async function* openAIChunks(res: UpstreamResponse, provider: string, wire: OpenAIWire = {}): AsyncGenerator<ChatChunk> {
  for await (const ev of sseEvents(res, provider)) {
    if (ev.data === '[DONE]') return;
    let parsed: ChatChunk & { error?: unknown };
    try {
      parsed = JSON.parse(ev.data) as typeof parsed;
    } catch {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream sent a stream event that is not JSON.`, {
        publicCode: 'upstream_invalid_response',
        expose: true,
      });
    }
    if (ev.event === 'error' || parsed.error) throw openAIStreamError(parsed.error ?? parsed, provider);
    const chunk = wire.chunk ? wire.chunk(parsed) : parsed;
    if (chunk) yield chunk;
  }
}
