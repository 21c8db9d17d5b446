/**
 * OpenAI chat request → Bedrock Converse request.
 */
import { createHash } from 'node:crypto';
import { GatewayError, type ChatContentPart, type ChatMessage, type ChatRequest } from '@switchyard/core';
import type { ConverseContentBlock, ConverseMessage, ConverseRequest } from './converse-types.js';
import { isAnthropicModel } from './models.js';
import { checkParams, unsupported } from './params.js';
import { applyReasoning, replayedReasoning } from './reasoning.js';
import { applyResponseFormat, type StructuredOutputMode } from './structured.js';

/** Options of {@link toConverseRequest}. */
export interface ConverseMappingOptions {
  /** How `response_format` is served (default: from the model id). */
  structuredOutput?: StructuredOutputMode;
}

const TOOL_USE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * A `toolUseId` Bedrock accepts (1-64 of `[a-zA-Z0-9_-]`) for a tool call id: the id itself
 * when it fits, else a digest of it, the same on the call and on its result. Ids minted by
 * other providers (or long legacy ids) thus survive a conversation moving to Bedrock.
 *
 * @example
 * ```ts
 * toolUseIdFor('call_1'); // 'call_1'
 * toolUseIdFor('call_1__thought__CiQB…'); // 'tooluse_…' (48 characters)
 * ```
 */
export function toolUseIdFor(id: string): string {
  return TOOL_USE_ID.test(id) ? id : `tooluse_${createHash('sha256').update(id).digest('base64url').slice(0, 40)}`;
}

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
    return { toolUse: { toolUseId: toolUseIdFor(tc.id), name: tc.function.name, input } };
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
export function toConverseMessages(input: ChatMessage[], opts: { replayReasoning?: boolean } = {}): Pick<ConverseRequest, 'system' | 'messages'> {
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
      // Claude wants its signed reasoning first in the turn; other models cannot read it
      const reasoning = opts.replayReasoning ? replayedReasoning(m) : [];
      push('assistant', [...reasoning, ...contentBlocks(m.content, `messages[${i}].content`), ...toolUse(m, i)]);
    } else if (m.role === 'tool') {
      if (!m.tool_call_id) throw invalid('Tool messages need a tool_call_id.', `messages[${i}].tool_call_id`);
      const text = textOnly(m.content);
      push('user', [{ toolResult: { toolUseId: toolUseIdFor(m.tool_call_id), content: [{ text: text || '(empty)' }] } }]);
    }
  });
  return { ...(system.length ? { system } : {}), messages };
}

/**
 * The Converse request for an OpenAI chat request. Throws a 400 for what Converse cannot
 * honour (see {@link checkParams}).
 *
 * @example
 * ```ts
 * const body = toConverseRequest({ model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', messages, max_tokens: 200 });
 * ```
 */
export function toConverseRequest(request: ChatRequest, opts: ConverseMappingOptions = {}): ConverseRequest {
  checkParams(request);
  const model = request.model;
  const body: ConverseRequest = toConverseMessages(request.messages, { replayReasoning: isAnthropicModel(model) });
  const inference: NonNullable<ConverseRequest['inferenceConfig']> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') inference.maxTokens = maxTokens;
  if (typeof request.temperature === 'number') inference.temperature = request.temperature;
  if (typeof request.top_p === 'number') inference.topP = request.top_p;
  if (request.stop) inference.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  if (typeof request.top_k === 'number') {
    if (!isAnthropicModel(model)) throw unsupported('top_k', model, 'only Anthropic models take top_k through Converse.');
    body.additionalModelRequestFields = { top_k: request.top_k };
  }

  const hasToolBlocks = body.messages.some((m) => m.content.some((b) => 'toolUse' in b || 'toolResult' in b));
  if (request.tools?.length && (request.tool_choice !== 'none' || hasToolBlocks)) {
    body.toolConfig = {
      tools: request.tools.map((t) => ({
        toolSpec: {
          name: t.function.name,
          ...(t.function.description ? { description: t.function.description } : {}),
          inputSchema: { json: t.function.parameters ?? { type: 'object', properties: {} } },
          ...(typeof t.function.strict === 'boolean' ? { strict: t.function.strict } : {}),
        },
      })),
    };
    const choice = request.tool_choice;
    if (choice === 'auto') body.toolConfig.toolChoice = { auto: {} };
    else if (choice === 'required') body.toolConfig.toolChoice = { any: {} };
    else if (typeof choice === 'object' && choice) body.toolConfig.toolChoice = { tool: { name: choice.function.name } };
  }
  applyReasoning(body, request);
  applyResponseFormat(body, request, opts.structuredOutput);
  applyMetadata(body, request);
  return body;
}

const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,.-]{0,256}$/;

/** `user` and `safety_identifier` go to Converse `requestMetadata`; `service_tier` to `serviceTier`. */
function applyMetadata(body: ConverseRequest, request: ChatRequest): void {
  for (const key of ['user', 'safety_identifier'] as const) {
    const v = request[key];
    if (v == null) continue;
    if (typeof v !== 'string' || !METADATA_VALUE.test(v)) {
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `'${key}' must be at most 256 letters, digits, spaces or :_@$#=/+,.- for Bedrock request metadata.`, { param: key, publicCode: 'invalid_value' });
    }
    body.requestMetadata = { ...body.requestMetadata, [key]: v };
  }
  const tier = request.service_tier;
  if (tier == null || tier === 'auto') return;
  if (tier !== 'default' && tier !== 'flex' && tier !== 'priority') throw unsupported('service_tier', request.model, `Bedrock tiers are default, flex and priority, not '${String(tier)}'.`);
  body.serviceTier = { type: tier };
}
