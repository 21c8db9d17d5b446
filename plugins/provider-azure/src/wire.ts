/**
 * How Azure differs from OpenAI on the wire: its request id may come as `apim-request-id`
 * (API Management), and streams open with prompt-filter chunks OpenAI clients do not expect.
 * Everything else (chat, streams, errors) is the OpenAI wire code of `@switchyard/upstream`.
 */
import type { ChatChunk, UpstreamResponse } from '@switchyard/core';
import { headerValue, type OpenAIWire } from '@switchyard/upstream';

/**
 * The upstream request id of an Azure response (`x-request-id`, else `apim-request-id`).
 *
 * @example
 * ```ts
 * azureRequestId({ 'apim-request-id': 'a1' }); // 'a1'
 * ```
 */
export function azureRequestId(headers: UpstreamResponse['headers']): string | undefined {
  return headerValue(headers, 'x-request-id') ?? headerValue(headers, 'apim-request-id');
}

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
 * Azure's wire differences: drops prompt-filter chunks and `prompt_filter_results` fields,
 * keeps `content_filter_results` and a `content_filter` finish reason.
 *
 * @example
 * ```ts
 * return openAIChat(upstream, request, AZURE_WIRE);
 * ```
 */
export const AZURE_WIRE: OpenAIWire = {
  requestId: azureRequestId,
  chunk(chunk) {
    if (isPromptFilterChunk(chunk)) return undefined;
    if (chunk.prompt_filter_results !== undefined) delete chunk.prompt_filter_results;
    return chunk;
  },
};
