/**
 * Reading an OpenAI chat stream: SSE events → chat chunks, one by one as they arrive.
 */
import { GatewayError, type ChatChunk, type UpstreamResponse } from '@switchyard/core';
import { sseEventBatches, type EventSourceMessage } from '../sse.js';
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
  // events are parsed a network chunk at a time: one async step per chunk yielded, not two
  for await (const batch of sseEventBatches(res, provider)) {
    for (const ev of batch) {
      if (ev.data === '[DONE]') return;
      const chunk = openAIChunk(ev, provider, wire);
      if (chunk) yield chunk;
    }
  }
}

function openAIChunk(ev: EventSourceMessage, provider: string, wire: OpenAIWire): ChatChunk | undefined {
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
  return wire.chunk ? wire.chunk(parsed) : parsed;
}
