/**
 * Bedrock Converse response → OpenAI chat completion: stop reasons, usage, content and tool calls.
 */
import type { ChatCompletion, ChatToolCall, FinishReason, Usage } from '@switchyard/core';
import type { ConverseResponse, ConverseStopReason, ConverseUsage } from './converse-types.js';
import { thinkingBlockOf, type ThinkingBlock } from './reasoning.js';
import { JSON_TOOL_NAME } from './structured.js';

const STOP_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/**
 * The OpenAI `finish_reason` for a Converse `stopReason` (unknown reasons → `stop`).
 *
 * @example
 * ```ts
 * finishReason('tool_use'); // 'tool_calls'
 * ```
 */
export function finishReason(stopReason: ConverseStopReason | undefined): FinishReason {
  return (stopReason && STOP_REASONS[stopReason]) || 'stop';
}

/**
 * OpenAI usage from Converse usage. Bedrock counts cache reads and writes apart from
 * `inputTokens`; OpenAI's `prompt_tokens` includes them, with reads in `cached_tokens`.
 *
 * @example
 * ```ts
 * toUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 100 });
 * // { prompt_tokens: 110, completion_tokens: 5, total_tokens: 115, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 } }
 * ```
 */
export function toUsage(u: Partial<ConverseUsage> | undefined): Usage {
  const read = u?.cacheReadInputTokens ?? 0;
  const write = u?.cacheWriteInputTokens ?? 0;
  const prompt = (u?.inputTokens ?? 0) + read + write;
  const completion = u?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: read, cache_write_tokens: write },
  };
}

/**
 * The chat completion for a Converse response. Reasoning becomes `reasoning_content`, and
 * each signed or redacted reasoning block a `thinking_blocks` entry to send back next turn;
 * with `jsonTool`, the JSON tool's input is the content.
 *
 * @example
 * ```ts
 * const completion = toChatCompletion(converse, 'claude', 'chatcmpl-123');
 * ```
 */
export function toChatCompletion(res: ConverseResponse, model: string, id: string, opts: { jsonTool?: boolean } = {}): ChatCompletion {
  let text = '';
  let reasoning = '';
  let jsonAnswer = false;
  const thinkingBlocks: ThinkingBlock[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of res.output?.message?.content ?? []) {
    if ('text' in block) text += block.text;
    else if ('toolUse' in block) {
      const args = JSON.stringify(block.toolUse.input ?? {});
      if (opts.jsonTool && block.toolUse.name === JSON_TOOL_NAME) {
        text += args;
        jsonAnswer = true;
      } else toolCalls.push({ id: block.toolUse.toolUseId, type: 'function', function: { name: block.toolUse.name, arguments: args } });
    } else if ('reasoningContent' in block) {
      reasoning += block.reasoningContent.reasoningText?.text ?? '';
      const replay = thinkingBlockOf(block.reasoningContent);
      if (replay) thinkingBlocks.push(replay);
    }
  }
  let finish = finishReason(res.stopReason);
  if (jsonAnswer && finish === 'tool_calls' && toolCalls.length === 0) finish = 'stop';
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length ? null : ''),
          refusal: null,
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(thinkingBlocks.length ? { thinking_blocks: thinkingBlocks } : {}),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: toUsage(res.usage),
  };
}
