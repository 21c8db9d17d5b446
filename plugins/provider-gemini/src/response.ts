/**
 * Gemini `GenerateContentResponse` → OpenAI `chat.completion`: candidates to choices,
 * function calls to tool calls, finish reasons, safety blocks and usage.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError, type ChatCompletion, type ChatToolCall, type FinishReason, type Usage } from '@switchyard/core';
import type { GeminiPart, GeminiResponse, GeminiUsage } from './wire.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']);

/** Finish reasons that mean the model failed to answer (no choice to report). */
const FAILED_STATUS: Readonly<Record<string, number>> = {
  MALFORMED_FUNCTION_CALL: 502,
  UNEXPECTED_TOOL_CALL: 502,
  TOO_MANY_TOOL_CALLS: 502,
  MISSING_THOUGHT_SIGNATURE: 400,
  LANGUAGE: 400,
  NO_IMAGE: 502,
  OTHER: 502,
  FINISH_REASON_UNSPECIFIED: 502,
};

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
 * The error for a candidate that ended without an answer (`MALFORMED_FUNCTION_CALL`,
 * `OTHER`, an unknown reason, …): an agent loop must not take it for a plain `stop`. The
 * lower-cased reason is the `code`, Gemini's `finishMessage` is in the message; a model
 * failure is a 502 (the OpenAI SDK retries it), a request problem a 400.
 *
 * @example
 * ```ts
 * finishError({ finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: …' }, 'gemini'); // GatewayError 502
 * finishError({ finishReason: 'STOP' }, 'gemini'); // undefined
 * ```
 */
export function finishError(c: { finishReason?: string; finishMessage?: string }, provider: string): GatewayError | undefined {
  const reason = c.finishReason;
  if (!reason || reason === 'STOP' || reason === 'MAX_TOKENS' || FILTERED.has(reason) || reason.startsWith('IMAGE_')) return undefined;
  const status = FAILED_STATUS[reason] ?? 502;
  const detail = c.finishMessage ? `: ${c.finishMessage}` : '.';
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} model stopped without an answer (finishReason ${reason})${detail}`, {
    status,
    type: status === 400 ? 'invalid_request_error' : 'server_error',
    publicCode: reason.toLowerCase(),
    expose: true,
  });
}

/**
 * The error for a response with no candidate and no block reason: nothing to report as a
 * choice, and not an answer.
 *
 * @example
 * ```ts
 * throw noCandidates('gemini');
 * ```
 */
export function noCandidates(provider: string): GatewayError {
  return new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream answered with no candidate and no block reason.`, {
    status: 502,
    type: 'server_error',
    publicCode: 'upstream_empty_response',
    expose: true,
  });
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
 * The separator of the tool call ids earlier gateway versions minted, with the thought
 * signature inside (still read back, never minted: such ids break Bedrock's 64-character
 * `toolUseId` rule).
 */
export const THOUGHT_SIGNATURE_SEPARATOR = '__thought__';

/** The dummy signature Google documents for function calls Gemini did not make (a trace moved from another model). */
export const FOREIGN_CALL_SIGNATURE = 'skip_thought_signature_validator';

const GEMINI_CALL_ID = /^call_[0-9a-f]{24}$/;

/**
 * A short `call_…` id for a Gemini function call (29 characters).
 *
 * @example
 * ```ts
 * toolCallId(); // 'call_3f9a0c…' (24 hex digits)
 * ```
 */
export function toolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

/**
 * Whether a tool call id is one this provider minted for a Gemini function call.
 *
 * @example
 * ```ts
 * isGeminiCallId(toolCallId()); // true
 * isGeminiCallId('toolu_01A'); // false
 * ```
 */
export function isGeminiCallId(id: string): boolean {
  return GEMINI_CALL_ID.test(id) || id.includes(THOUGHT_SIGNATURE_SEPARATOR);
}

/** The `extra_content` of a tool call that carries a thought signature (Google's own OpenAI-compatible convention). */
export interface ThoughtSignatureContent {
  google: { thought_signature: string };
}

/**
 * The `extra_content` a tool call carries its thought signature in.
 *
 * @example
 * ```ts
 * signatureContent('CiQB…'); // { google: { thought_signature: 'CiQB…' } }
 * ```
 */
export function signatureContent(signature: string): ThoughtSignatureContent {
  return { google: { thought_signature: signature } };
}

/**
 * The thought signature a tool call carries: in `extra_content.google.thought_signature`,
 * or (ids from earlier versions) inside its id.
 *
 * @example
 * ```ts
 * signatureOf({ id: 'call_1', extra_content: { google: { thought_signature: 'CiQB' } } }); // 'CiQB'
 * signatureOf({ id: 'call_1__thought__CiQB' }); // 'CiQB'
 * signatureOf({ id: 'call_1' }); // undefined
 * ```
 */
export function signatureOf(toolCall: { id: string; extra_content?: unknown }): string | undefined {
  const sig = (toolCall.extra_content as { google?: { thought_signature?: unknown } } | undefined)?.google?.thought_signature;
  if (typeof sig === 'string' && sig) return sig;
  const at = toolCall.id.indexOf(THOUGHT_SIGNATURE_SEPARATOR);
  return at >= 0 ? toolCall.id.slice(at + THOUGHT_SIGNATURE_SEPARATOR.length) || undefined : undefined;
}

/**
 * A chat tool call for a Gemini function call: short id, signature beside it.
 *
 * @example
 * ```ts
 * toToolCall({ name: 'f', args: { a: 1 }, signature: 'S1' });
 * // { id: 'call_…', type: 'function', function: { name: 'f', arguments: '{"a":1}' }, extra_content: { google: { thought_signature: 'S1' } } }
 * ```
 */
export function toToolCall(call: SplitCall): ChatToolCall & { extra_content?: ThoughtSignatureContent } {
  const tc: ChatToolCall & { extra_content?: ThoughtSignatureContent } = { id: toolCallId(), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
  if (call.signature) tc.extra_content = signatureContent(call.signature);
  return tc;
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
 * `promptFeedback.blockReason` becomes one empty choice with `content_filter`; a response
 * without candidates otherwise, or a candidate that failed (see {@link finishError}), is an
 * error.
 *
 * @example
 * ```ts
 * const completion = toChatCompletion(geminiResponse, 'gemini-2.5-flash');
 * ```
 */
export function toChatCompletion(res: GeminiResponse, model: string, provider = 'gemini'): ChatCompletion {
  const candidates = [...(res.candidates ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const choices: ChatCompletion['choices'] = candidates.map((c, i) => {
    const failed = finishError(c, provider);
    if (failed) throw failed;
    const { text, thoughts, calls } = splitParts(c.content?.parts);
    const toolCalls = calls.map(toToolCall);
    const message: ChatCompletion['choices'][number]['message'] = { role: 'assistant', content: text === '' && toolCalls.length ? null : text, refusal: null };
    if (toolCalls.length) message.tool_calls = toolCalls;
    if (thoughts) message.reasoning_content = thoughts;
    return { index: c.index ?? i, message, finish_reason: toFinishReason(c.finishReason, toolCalls.length > 0), logprobs: null };
  });
  if (choices.length === 0) {
    if (!res.promptFeedback?.blockReason) throw noCandidates(provider);
    choices.push({ index: 0, message: { role: 'assistant', content: '', refusal: null }, finish_reason: 'content_filter', logprobs: null });
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
