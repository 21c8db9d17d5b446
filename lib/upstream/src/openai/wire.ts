/**
 * How an OpenAI-compatible upstream differs from OpenAI on the wire, for the shared chat,
 * stream and error code (e.g. Azure: another request-id header, prompt-filter chunks).
 */
import type { ChatChunk, UpstreamResponse } from '@switchyard/core';
import { headerValue } from '../http.js';

/**
 * The differences of an OpenAI-compatible upstream.
 *
 * @example
 * ```ts
 * const AZURE: OpenAIWire = {
 *   requestId: (h) => headerValue(h, 'x-request-id') ?? headerValue(h, 'apim-request-id'),
 *   chunk: (c) => (c.choices.length === 0 && !c.usage ? undefined : c),
 * };
 * ```
 */
export interface OpenAIWire {
  /** The upstream request id of a response (default: `x-request-id`). */
  requestId?(headers: UpstreamResponse['headers']): string | undefined;
  /** Each parsed stream chunk: return it (changed or not), or undefined to drop it. */
  chunk?(chunk: ChatChunk & Record<string, unknown>): ChatChunk | undefined;
}

/**
 * The upstream request id of a response, by the wire's rule (default: `x-request-id`).
 *
 * @example
 * ```ts
 * upstreamRequestId({}, res.headers); // the x-request-id header, if any
 * ```
 */
export function upstreamRequestId(wire: OpenAIWire, headers: UpstreamResponse['headers']): string | undefined {
  return wire.requestId ? wire.requestId(headers) : headerValue(headers, 'x-request-id');
}
