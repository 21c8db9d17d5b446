/**
 * Reasoning on Bedrock: `reasoning_effort` (or Anthropic's own `thinking`) to the model's
 * reasoning fields, and Converse `reasoningContent` blocks to and from the `thinking_blocks`
 * the Anthropic provider uses (text and signature, or redacted data), so a Claude turn with
 * thinking and tools can be replayed on the next turn, and moves between providers.
 */
import { GatewayError, type ChatMessage, type ChatRequest } from '@switchyard/core';
import type { ConverseContentBlock, ConverseRequest } from './converse-types.js';
import { isAnthropicModel, isNova2 } from './models.js';
import { unsupported } from './params.js';

/** Thinking budgets (tokens) for `reasoning_effort` on Anthropic models; Anthropic's minimum is 1024. */
export const THINKING_BUDGETS = Object.freeze({ minimal: 1024, low: 1024, medium: 2048, high: 4096, xhigh: 8192 });

/** `reasoning_effort` → Nova 2 `maxReasoningEffort`. */
const NOVA_EFFORT: Readonly<Record<string, string>> = { minimal: 'low', low: 'low', medium: 'medium', high: 'high' };

/** A `thinking_blocks` entry, as the Anthropic provider writes it. */
export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

/**
 * Sets the reasoning fields of a Converse body (and grows `maxTokens` past a thinking budget).
 *
 * @example
 * ```ts
 * applyReasoning(body, { model: 'anthropic.claude-sonnet-4-5-20250929-v1:0', messages, reasoning_effort: 'low' });
 * // body.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: 1024 } }
 * ```
 */
export function applyReasoning(body: ConverseRequest, request: ChatRequest): void {
  const model = request.model;
  const native = request.thinking as { type?: unknown; budget_tokens?: unknown } | undefined | null;
  const effort = request.reasoning_effort as string | null | undefined;
  let thinking: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' } | undefined;
  if (native != null) {
    if (!isAnthropicModel(model)) throw unsupported('thinking', model, 'only Anthropic models take `thinking`.');
    if (native.type === 'disabled') thinking = { type: 'disabled' };
    else if (native.type === 'enabled' && typeof native.budget_tokens === 'number') thinking = { type: 'enabled', budget_tokens: native.budget_tokens };
    else throw new GatewayError('GW_ERR_INVALID_REQUEST', '`thinking` must be {type: "enabled", budget_tokens} or {type: "disabled"}.', { param: 'thinking', publicCode: 'invalid_value' });
  } else if (effort && effort !== 'none') {
    if (isAnthropicModel(model)) {
      const budget = (THINKING_BUDGETS as Record<string, number>)[effort];
      if (!budget) throw unsupported('reasoning_effort', model, `'${effort}' is not a reasoning effort Bedrock Claude models take.`);
      thinking = { type: 'enabled', budget_tokens: budget };
    } else if (isNova2(model)) {
      const level = NOVA_EFFORT[effort];
      if (!level) throw unsupported('reasoning_effort', model, `'${effort}' is not a reasoning effort Nova 2 models take (minimal, low, medium, high).`);
      body.additionalModelRequestFields = { ...body.additionalModelRequestFields, reasoningConfig: { type: 'enabled', maxReasoningEffort: level } };
    } else {
      throw unsupported('reasoning_effort', model, 'the gateway knows no reasoning control for this model.');
    }
  }
  if (!thinking) return;
  body.additionalModelRequestFields = { ...body.additionalModelRequestFields, thinking };
  if (thinking.type === 'enabled') {
    const inference = (body.inferenceConfig ??= {});
    if (inference.maxTokens === undefined || inference.maxTokens <= thinking.budget_tokens) inference.maxTokens = (inference.maxTokens ?? 4096) + thinking.budget_tokens;
  }
}

/** Whether the Converse body turns Claude's extended thinking on. */
export function thinkingEnabled(body: ConverseRequest): boolean {
  const t = body.additionalModelRequestFields?.thinking as { type?: string } | undefined;
  return t?.type === 'enabled';
}

/**
 * The `reasoningContent` blocks to replay for an assistant message's `thinking_blocks`
 * (they go first in the turn, as Claude requires).
 *
 * @example
 * ```ts
 * replayedReasoning({ role: 'assistant', content: null, thinking_blocks: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }] });
 * // [{ reasoningContent: { reasoningText: { text: 'hm', signature: 'sig' } } }]
 * ```
 */
export function replayedReasoning(m: ChatMessage): ConverseContentBlock[] {
  const blocks = m.thinking_blocks;
  if (!Array.isArray(blocks)) return [];
  const out: ConverseContentBlock[] = [];
  for (const b of blocks as Array<Record<string, unknown>>) {
    if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string' && b.signature) {
      out.push({ reasoningContent: { reasoningText: { text: b.thinking, signature: b.signature } } });
    } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
      out.push({ reasoningContent: { redactedContent: b.data } });
    }
  }
  return out;
}

/**
 * The `thinking_blocks` entry for a Converse `reasoningContent` block, if it can be replayed.
 *
 * @example
 * ```ts
 * thinkingBlockOf({ reasoningText: { text: 'hm', signature: 'sig' } }); // { type: 'thinking', thinking: 'hm', signature: 'sig' }
 * ```
 */
export function thinkingBlockOf(r: { reasoningText?: { text?: string; signature?: string }; redactedContent?: string }): ThinkingBlock | undefined {
  if (r.reasoningText?.signature) return { type: 'thinking', thinking: r.reasoningText.text ?? '', signature: r.reasoningText.signature };
  if (typeof r.redactedContent === 'string' && r.redactedContent) return { type: 'redacted_thinking', data: r.redactedContent };
  return undefined;
}
