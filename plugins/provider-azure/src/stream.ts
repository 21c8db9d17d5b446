/**
 * Reading an Azure chat stream: OpenAI-shaped SSE chunks, minus Azure's extras that
 * OpenAI clients do not expect.
 */
import { GatewayError, sseEvents, type ChatChunk, type UpstreamResponse } from '@switchyard/core';
import { azureStreamError } from './errors.js';

/**
 * Whether a chunk is Azure's prompt-filter preamble: no choices, no usage, only
 * `prompt_filter_results` (and empty `id`/`model`). It is dropped, never forwarded, and
 * never taken for the usage chunk (which also has empty choices).
 *
 * @example
 * ```ts
 * isPromptFilterChunk({ id: '', choices: [], prompt_filter_results: [] }); // true
 * ```
 */
export function isPromptFilterChunk(chunk: ChatChunk): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && !chunk.usage;
}

/**
 * Yields the OpenAI chat chunks of an Azure SSE stream, one by one as they arrive.
 * Drops prompt-filter chunks and `prompt_filter_results` fields; keeps
 * `content_filter_results` and a `content_filter` finish reason.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: azureChunks(res, 'azure') };
 * ```
 */
export async function* azureChunks(res: UpstreamResponse, provider: string): AsyncGenerator<ChatChunk> {
  for await (const ev of sseEvents(res, provider)) {
    if (ev.data === '[DONE]') return;
    let parsed: ChatChunk & { error?: unknown; prompt_filter_results?: unknown };
    try {
      parsed = JSON.parse(ev.data) as typeof parsed;
    } catch {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream sent a stream event that is not JSON.`, {
        publicCode: 'upstream_invalid_response',
        expose: true,
      });
    }
    if (ev.event === 'error' || parsed.error) throw azureStreamError(parsed.error ?? parsed, provider);
    if (isPromptFilterChunk(parsed)) continue;
    if (parsed.prompt_filter_results !== undefined) delete parsed.prompt_filter_results;
    yield parsed;
  }
}
