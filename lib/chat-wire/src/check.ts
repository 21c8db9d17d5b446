/**
 * What every provider's answer must look like before the gateway calls it a success: a
 * completion with choices, chunks with choices, and a stream whose choices all finished.
 * An upstream that answers `{}`, `null`, `[1,2]`, or cuts a stream short gets a 502, not a
 * 200 that the client and the call log would take for an answer.
 */
import { invalidAnswer, type ChatChunk, type ChatCompletion } from '@switchyard/core';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Throws unless `body` is a chat completion with at least one choice carrying a message.
 *
 * @example
 * ```ts
 * checkCompletion(result.body, deployment.provider);
 * ```
 */
export function checkCompletion(body: unknown, provider: string): asserts body is ChatCompletion {
  const choices = isObject(body) ? body.choices : undefined;
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every((c) => isObject(c) && isObject(c.message))) {
    throw invalidAnswer(provider, 'answered with something that is not a chat completion');
  }
}

/**
 * Throws unless `chunk` is a chat completion chunk (an object with a `choices` array).
 *
 * @example
 * ```ts
 * for await (const chunk of source) { checkChunk(chunk, provider); ... }
 * ```
 */
export function checkChunk(chunk: unknown, provider: string): asserts chunk is ChatChunk {
  if (!isObject(chunk) || !Array.isArray(chunk.choices)) throw invalidAnswer(provider, 'sent a stream event that is not a chat completion chunk');
}

/**
 * Throws unless a finished stream had choices and each of them said why it stopped: a
 * stream cut short (no `finish_reason`, no `[DONE]`) is a failure, not an answer.
 *
 * @example
 * ```ts
 * checkStreamEnd(aggregate, provider);
 * ```
 */
export function checkStreamEnd(aggregate: ChatCompletion, provider: string): void {
  const { choices } = aggregate;
  if (choices.length === 0 || choices.some((c) => !c || c.finish_reason === null)) {
    throw invalidAnswer(provider, 'ended the stream before the answer was complete', 'upstream_stream_incomplete');
  }
}
