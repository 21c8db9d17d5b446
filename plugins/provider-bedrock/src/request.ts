/**
 * OpenAI chat request → Bedrock Converse request.
 */
import { GatewayError, type ChatContentPart, type ChatMessage, type ChatRequest } from '@switchyard/core';
import type { ConverseContentBlock, ConverseMessage, ConverseRequest } from './converse-types.js';

/** Thinking budgets (tokens) for `reasoning_effort` on Anthropic models. */
export const THINKING_BUDGETS = { minimal: 1024, low: 1024, medium: 2048, high: 4096 } as const;

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);

function invalid(message: string, param: string): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: 'invalid_value' });
}

function imageBlock(url: string, param: string): ConverseContentBlock {
  const m = /^data:image\/([a-z]+);base64,(.*)$/s.exec(url);
  if (!m) throw invalid('Bedrock accepts images as base64 data URLs (data:image/png;base64,...) only.', param);
  const format = m[1] === 'jpg' ? 'jpeg' : m[1]!;
  if (!IMAGE_FORMATS.has(format)) throw invalid(`Bedrock does not accept image/${m[1]} (png, jpeg, gif, webp only).`, param);
  return { image: { format: format as 'png', source: { bytes: m[2]! } } };
}

function contentBlocks(content: ChatMessage['content'], param: string): ConverseContentBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content.trim() ? [{ text: content }] : [];
  const out: ConverseContentBlock[] = [];
  content.forEach((part: ChatContentPart, i) => {
    if (part.type === 'text') {
      const text = (part as { text: string }).text;
      if (text.trim()) out.push({ text });
    } else if (part.type === 'image_url') {
      out.push(imageBlock((part as { image_url: { url: string } }).image_url.url, `${param}[${i}].image_url.url`));
    } else {
      throw invalid(`Content parts of type '${part.type}' are not supported by Bedrock.`, `${param}[${i}].type`);
    }
  });
  return out;
}

function textOnly(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p.type === 'text' ? (p as { text: string }).text : '')).join('');
}

function toolUse(m: ChatMessage, i: number): ConverseContentBlock[] {
  return (m.tool_calls ?? []).map((tc, j) => {
    let input: unknown;
    try {
      input = tc.function.arguments.trim() ? JSON.parse(tc.function.arguments) : {};
    } catch {
      throw invalid('Tool call arguments must be a JSON object for Bedrock.', `messages[${i}].tool_calls[${j}].function.arguments`);
    }
    return { toolUse: { toolUseId: tc.id, name: tc.function.name, input } };
  });
}

/**
 * Converse `system` and `messages` from OpenAI messages: system/developer messages become
 * system blocks, tool results become `toolResult` blocks in a user turn, and consecutive
 * turns of the same role are merged (Bedrock requires alternating roles).
 *
 * @example
 * ```ts
 * const { system, messages } = toConverseMessages([{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }]);
 * ```
 */
export function toConverseMessages(input: ChatMessage[]): Pick<ConverseRequest, 'system' | 'messages'> {
  const system: Array<{ text: string }> = [];
  const messages: ConverseMessage[] = [];
  const push = (role: ConverseMessage['role'], content: ConverseContentBlock[]) => {
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  input.forEach((m, i) => {
    if (m.role === 'system' || m.role === 'developer') {
      const text = textOnly(m.content);
      if (text.trim()) system.push({ text });
    } else if (m.role === 'user') {
      push('user', contentBlocks(m.content, `messages[${i}].content`));
    } else if (m.role === 'assistant') {
      push('assistant', [...contentBlocks(m.content, `messages[${i}].content`), ...toolUse(m, i)]);
    } else if (m.role === 'tool') {
      if (!m.tool_call_id) throw invalid('Tool messages need a tool_call_id.', `messages[${i}].tool_call_id`);
      const text = textOnly(m.content);
      push('user', [{ toolResult: { toolUseId: m.tool_call_id, content: [{ text: text || '(empty)' }] } }]);
    }
  });
  return { ...(system.length ? { system } : {}), messages };
}

/** Whether a Converse model id is an Anthropic model (directly or through an inference profile). */
export function isAnthropicModel(modelId: string): boolean {
  return /(^|[.:/])anthropic\./.test(modelId);
}

/**
 * The Converse request for an OpenAI chat request.
 *
 * @example
 * ```ts
 * const body = toConverseRequest({ model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', messages, max_tokens: 200 });
 * ```
 */
export function toConverseRequest(request: ChatRequest): ConverseRequest {
  const body: ConverseRequest = toConverseMessages(request.messages);
  const inference: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') inference.maxTokens = maxTokens;
  if (typeof request.temperature === 'number') inference.temperature = request.temperature;
  if (typeof request.top_p === 'number') inference.topP = request.top_p;
  if (request.stop) inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;

  const hasToolBlocks = body.messages.some((m) => m.content.some((b) => 'toolUse' in b || 'toolResult' in b));
  if (request.tools?.length && (request.tool_choice !== 'none' || hasToolBlocks)) {
    body.toolConfig = {
      tools: request.tools.map((t) => ({
        toolSpec: {
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
        },
      })),
    };
    const choice = request.tool_choice;
    if (choice === 'auto') body.toolConfig.toolChoice = { auto: {} };
    else if (choice === 'required') body.toolConfig.toolChoice = { any: {} };
    else if (typeof choice === 'object' && choice) body.toolConfig.toolChoice = { tool: { name: choice.function.name } };
  }

  if (request.reasoning_effort && isAnthropicModel(request.model)) {
    const budget = THINKING_BUDGETS[request.reasoning_effort];
    body.additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: budget } };
    if (inference.maxTokens === undefined || inference.maxTokens <= budget) inference.maxTokens = budget + 4096;
  }
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  return body;
}
