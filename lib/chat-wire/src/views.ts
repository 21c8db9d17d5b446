/**
 * Chat-shaped views of a call's request and answer, for observers and plugins that read
 * messages or choices: every operation's call goes through the same hooks, and only chat
 * calls (and what looks like them) have these.
 */
import type { CallRequest, CallResponse, ChatCompletion, ChatRequest } from '@switchyard/core';

/**
 * The request as a chat request, when it is one (it has `messages`).
 *
 * @example
 * ```ts
 * const chat = asChatRequest(event.request);
 * if (chat) countTokens(chat.messages);
 * ```
 */
export function asChatRequest(request: CallRequest | undefined): ChatRequest | undefined {
  return request !== undefined && Array.isArray(request.messages) ? (request as ChatRequest) : undefined;
}

/**
 * The answer as a chat completion, when it is one (it has `choices`).
 *
 * @example
 * ```ts
 * asChatCompletion(event.response)?.choices[0]?.finish_reason;
 * ```
 */
export function asChatCompletion(response: CallResponse | undefined): ChatCompletion | undefined {
  return response !== undefined && Array.isArray(response.choices) ? (response as ChatCompletion) : undefined;
}
