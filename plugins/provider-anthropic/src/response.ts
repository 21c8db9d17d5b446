/**
 * Anthropic Messages API response → OpenAI chat completion (pure functions).
 */
import type { ChatCompletion, ChatToolCall, FinishReason, Usage } from '@switchyard/core';
import { JSON_TOOL_NAME } from './request.js';
import type { AnthropicResponse, AnthropicUsage } from './wire.js';

/**
 * Maps an Anthropic `stop_reason` to an OpenAI `finish_reason`.
 *
 * @example
 * ```ts
 * finishReasonOf('max_tokens'); // 'length'
 * finishReasonOf('tool_use');   // 'tool_calls'
 * ```
 */
export function finishReasonOf(stopReason: string | null | undefined): FinishReason | null {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case null:
    case undefined:
      return null;
    default:
      return 'stop';
  }
}

/**
 * Maps Anthropic usage to chat usage. Anthropic's `input_tokens` leaves out cached
 * tokens, so the prompt total adds cache reads and writes back in; reads are reported as
 * `cached_tokens` and writes as `cache_write_tokens`.
 *
 * @example
 * ```ts
 * usageOf({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 90 });
 * // { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105,
 * //   prompt_tokens_details: { cached_tokens: 90, cache_write_tokens: 0 } }
 * ```
 */
export function usageOf(u: AnthropicUsage): Usage {
  const read = u.cache_read_input_tokens ?? 0;
  const write = u.cache_creation_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + read + write;
  const completion = u.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read, cache_write_tokens: write },
  };
}

/** Options of {@link toChatCompletion}. */
export interface ResponseMappingOptions {
  /** The request forced the JSON tool: its input is the answer's content. */
  jsonTool?: boolean;
  /** `created` timestamp (unix seconds); default now. */
  created?: number;
}

/**
 * Maps an Anthropic `message` to a `chat.completion`: text blocks joined as `content`,
 * `tool_use` blocks as `tool_calls`, thinking as `reasoning_content` plus
 * `thinking_blocks` (to send back in a later turn), as LiteLLM does.
 *
 * @example
 * ```ts
 * const completion = toChatCompletion(await res.json());
 * completion.choices[0].message.content; // 'Hello!'
 * ```
 */
export function toChatCompletion(msg: AnthropicResponse, opts: ResponseMappingOptions = {}): ChatCompletion {
  const text: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Array<Record<string, unknown>> = [];
  const toolCalls: ChatToolCall[] = [];
  let jsonAnswer = false;
  for (const block of msg.content ?? []) {
    const b = block as Record<string, unknown>;
    if (b.type === 'text' && typeof b.text === 'string') text.push(b.text);
    else if (b.type === 'thinking') {
      reasoning.push(String(b.thinking ?? ''));
      thinkingBlocks.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
    } else if (b.type === 'redacted_thinking') thinkingBlocks.push({ type: 'redacted_thinking', data: b.data });
    else if (b.type === 'tool_use') {
      const args = JSON.stringify(b.input ?? {});
      if (opts.jsonTool && b.name === JSON_TOOL_NAME) {
        text.push(args);
        jsonAnswer = true;
      } else toolCalls.push({ id: String(b.id), type: 'function', function: { name: String(b.name), arguments: args } });
    }
  }
  const message: ChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: text.length ? text.join('') : null,
    refusal: null,
  };
  if (toolCalls.length) message.tool_calls = toolCalls;
  if (reasoning.length) message.reasoning_content = reasoning.join('');
  if (thinkingBlocks.length) message.thinking_blocks = thinkingBlocks;
  let finish = finishReasonOf(msg.stop_reason) ?? 'stop';
  if (jsonAnswer && finish === 'tool_calls' && toolCalls.length === 0) finish = 'stop';
  return {
    id: msg.id,
    object: 'chat.completion',
    created: opts.created ?? Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: usageOf(msg.usage ?? {}),
  };
}
