/**
 * Gemini `GenerateContentResponse` → OpenAI `chat.completion`: candidates to choices,
 * function calls to tool calls, finish reasons, safety blocks and usage.
 */
import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatToolCall, FinishReason, Usage } from '@switchyard/core';
import type { GeminiPart, GeminiResponse, GeminiUsage } from './wire.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']);

/**
 * Maps a Gemini `finishReason` to an OpenAI `finish_reason`.
 *
 * @example
 * ```ts
 * toFinishReason('STOP', true); // 'tool_calls'
 * toFinishReason('MAX_TOKENS', false); // 'length'
 * ```
 */
export function toFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && (FILTERED.has(reason) || reason.startsWith('IMAGE_'))) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/**
 * Maps `usageMetadata` to OpenAI usage; thought tokens count as completion (reasoning) tokens.
 *
 * @example
 * ```ts
 * toUsage({ promptTokenCount: 4, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 9 });
 * // { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9, completion_tokens_details: { reasoning_tokens: 3 } }
 * ```
 */
export function toUsage(u: GeminiUsage): Usage {
  const prompt = (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0);
  const completion = (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0);
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: u.totalTokenCount ?? prompt + completion };
  if (u.cachedContentTokenCount !== undefined) usage.prompt_tokens_details = { cached_tokens: u.cachedContentTokenCount };
  if (u.thoughtsTokenCount !== undefined) usage.completion_tokens_details = { reasoning_tokens: u.thoughtsTokenCount };
  return usage;
}

/**
 * Separates a tool call id from the Gemini thought signature it carries. Gemini 3 models
 * require the `thoughtSignature` of each function call to come back with the call, and
 * OpenAI clients only send back the tool call id, so the signature rides in the id.
 */
export const THOUGHT_SIGNATURE_SEPARATOR = '__thought__';

/**
 * A `call_…` id for a Gemini function call (Gemini's own `id` when it sent one), carrying
 * the part's thought signature when it had one.
 *
 * @example
 * ```ts
 * toolCallId({ name: 'f' }); // 'call_3f9a…'
 * toolCallId({ name: 'f', signature: 'CiQB…' }); // 'call_3f9a…__thought__CiQB…'
 * ```
 */
export function toolCallId(call: { id?: string; signature?: string }): string {
  const id = call.id ? (call.id.startsWith('call_') ? call.id : `call_${call.id}`) : `call_${randomBytes(12).toString('hex')}`;
  return call.signature ? `${id}${THOUGHT_SIGNATURE_SEPARATOR}${call.signature}` : id;
}

/**
 * The thought signature a tool call id carries, if any.
 *
 * @example
 * ```ts
 * signatureOf('call_1__thought__CiQB'); // 'CiQB'
 * signatureOf('call_1'); // undefined
 * ```
 */
export function signatureOf(toolCallId: string): string | undefined {
  const at = toolCallId.indexOf(THOUGHT_SIGNATURE_SEPARATOR);
  return at >= 0 ? toolCallId.slice(at + THOUGHT_SIGNATURE_SEPARATOR.length) || undefined : undefined;
}

/** A function call of a response, with the thought signature of its part. */
export type SplitCall = NonNullable<GeminiPart['functionCall']> & { signature?: string };

/** Text, thought text and function calls of a list of parts. */
export interface SplitParts {
  text: string;
  thoughts: string;
  calls: SplitCall[];
}

/**
 * Splits parts into answer text, thought text and function calls (parts with only a
 * `thoughtSignature` contribute nothing).
 *
 * @example
 * ```ts
 * splitParts([{ text: 'hm', thought: true }, { text: 'hi' }]); // { text: 'hi', thoughts: 'hm', calls: [] }
 * ```
 */
export function splitParts(parts: GeminiPart[] | undefined): SplitParts {
  const out: SplitParts = { text: '', thoughts: '', calls: [] };
  for (const p of parts ?? []) {
    if (p.functionCall) out.calls.push(p.thoughtSignature ? { ...p.functionCall, signature: p.thoughtSignature } : p.functionCall);
    else if (typeof p.text === 'string') {
      if (p.thought === true) out.thoughts += p.text;
      else out.text += p.text;
    }
  }
  return out;
}

/**
 * The completion id for a Gemini response.
 *
 * @example
 * ```ts
 * completionId({ responseId: 'abc' }); // 'chatcmpl-abc'
 * ```
 */
export function completionId(res: GeminiResponse): string {
  return `chatcmpl-${res.responseId ?? randomBytes(12).toString('hex')}`;
}

/**
 * Maps a whole Gemini response to a `chat.completion`. A prompt blocked by
 * `promptFeedback.blockReason` becomes one empty choice with `content_filter`.
 *
 * @example
 * ```ts
 * const completion = toChatCompletion(geminiResponse, 'gemini-2.5-flash');
 * ```
 */
export function toChatCompletion(res: GeminiResponse, model: string): ChatCompletion {
  const candidates = [...(res.candidates ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const choices: ChatCompletion['choices'] = candidates.map((c, i) => {
    const { text, thoughts, calls } = splitParts(c.content?.parts);
    const toolCalls: ChatToolCall[] = calls.map((call) => ({
      id: toolCallId(call),
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    }));
    const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text === '' && toolCalls.length ? null : text, refusal: null };
    if (toolCalls.length) message.tool_calls = toolCalls;
    if (thoughts) message.reasoning_content = thoughts;
    return { index: c.index ?? i, message, finish_reason: toFinishReason(c.finishReason, toolCalls.length > 0), logprobs: null };
  });
  if (choices.length === 0) {
    choices.push({
      index: 0,
      message: { role: 'assistant', content: '', refusal: null },
      finish_reason: res.promptFeedback?.blockReason ? 'content_filter' : 'stop',
      logprobs: null,
    });
  }
  const completion: ChatCompletion = {
    id: completionId(res),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.modelVersion ?? model,
    choices,
  };
  if (res.usageMetadata) completion.usage = toUsage(res.usageMetadata);
  return completion;
}
