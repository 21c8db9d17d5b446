/**
 * OpenAI chat request → Anthropic Messages API request (pure functions).
 */
import { GatewayError, type ChatContentPart, type ChatMessage, type ChatRequest, type ChatTool } from '@switchyard/core';
import { checkParams } from './params.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
} from './wire.js';

/** Name of the tool that carries a `response_format: json_schema` answer. */
export const JSON_TOOL_NAME = 'json_tool_call';

/** `max_tokens` sent when the client set neither `max_tokens` nor `max_completion_tokens`. */
export const DEFAULT_MAX_TOKENS = 4096;

/** Thinking budgets (tokens) per `reasoning_effort`; Anthropic's minimum budget is 1024. */
export const DEFAULT_THINKING_BUDGETS: Readonly<Record<'minimal' | 'low' | 'medium' | 'high' | 'xhigh', number>> = Object.freeze({
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
});

/** Options of {@link toAnthropicRequest}. */
export interface RequestMappingOptions {
  /** `max_tokens` when the client sent none (default {@link DEFAULT_MAX_TOKENS}). */
  defaultMaxTokens?: number;
  /** Budgets per `reasoning_effort` (merged over {@link DEFAULT_THINKING_BUDGETS}). */
  thinkingBudgets?: Partial<Record<keyof typeof DEFAULT_THINKING_BUDGETS, number>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function badRequest(message: string, param: string | null): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: 'unsupported_value' });
}

function cacheControlOf(v: unknown): AnthropicCacheControl | undefined {
  const cc = (v as { cache_control?: unknown } | undefined)?.cache_control;
  return cc && typeof cc === 'object' ? (cc as AnthropicCacheControl) : undefined;
}

function withCache<T extends object>(block: T, cc: AnthropicCacheControl | undefined): T {
  return cc ? { ...block, cache_control: cc } : block;
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

function imageBlock(url: string, param: string): AnthropicContentBlock {
  const m = DATA_URL.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1]!, data: m[2]! } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw badRequest('Image URLs must be http(s) URLs or base64 data URLs for the anthropic provider.', param);
}

function partBlock(part: ChatContentPart, param: string): AnthropicContentBlock | undefined {
  const cc = cacheControlOf(part);
  switch (part.type) {
    case 'text': {
      const text = (part as { text: string }).text;
      return text ? withCache<AnthropicTextBlock>({ type: 'text', text }, cc) : undefined;
    }
    case 'image_url':
      return withCache(imageBlock((part as { image_url: { url: string } }).image_url.url, `${param}.image_url.url`), cc);
    case 'file': {
      const data = (part as { file?: { file_data?: string } }).file?.file_data;
      const m = data ? DATA_URL.exec(data) : null;
      if (!m) throw badRequest('The anthropic provider accepts files only as base64 data URLs in `file.file_data`.', `${param}.file`);
      return withCache<AnthropicContentBlock>({ type: 'document', source: { type: 'base64', media_type: m[1]!, data: m[2]! } }, cc);
    }
    default:
      throw badRequest(`Content parts of type "${part.type}" are not supported by the anthropic provider.`, `${param}.type`);
  }
}

/** Content blocks of a message's `content` (string or parts); empty text is dropped. */
function contentBlocks(content: ChatMessage['content'], param: string): AnthropicContentBlock[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: AnthropicContentBlock[] = [];
  content.forEach((part, j) => {
    const block = partBlock(part, `${param}[${j}]`);
    if (block) out.push(block);
  });
  return out;
}

/** A message-level `cache_control` (LiteLLM convention) applies to its last block. */
function applyMessageCache(blocks: AnthropicContentBlock[], m: ChatMessage): AnthropicContentBlock[] {
  const cc = cacheControlOf(m);
  const last = blocks.at(-1);
  if (cc && last) blocks[blocks.length - 1] = { ...last, cache_control: cc } as AnthropicContentBlock;
  return blocks;
}

function parseArguments(args: string, param: string): unknown {
  if (!args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw badRequest('Tool call arguments must be a JSON string.', param);
  }
}

function assistantBlocks(m: ChatMessage, i: number): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  const thinking = m.thinking_blocks;
  if (Array.isArray(thinking)) {
    for (const t of thinking as Array<Record<string, unknown>>) {
      if (t.type === 'thinking' && typeof t.thinking === 'string' && typeof t.signature === 'string') {
        blocks.push({ type: 'thinking', thinking: t.thinking, signature: t.signature });
      } else if (t.type === 'redacted_thinking' && typeof t.data === 'string') {
        blocks.push({ type: 'redacted_thinking', data: t.data });
      }
    }
  }
  for (const b of contentBlocks(m.content, `messages[${i}].content`)) {
    if (b.type !== 'text') throw badRequest('Assistant messages may only hold text parts.', `messages[${i}].content`);
    blocks.push(b);
  }
  (m.tool_calls ?? []).forEach((tc, j) => {
    blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: parseArguments(tc.function.arguments, `messages[${i}].tool_calls[${j}].function.arguments`) });
  });
  return applyMessageCache(blocks, m);
}

function toolResultBlock(m: ChatMessage, i: number): AnthropicToolResultBlock {
  const param = `messages[${i}].content`;
  let content: AnthropicToolResultBlock['content'];
  if (typeof m.content === 'string') content = m.content;
  else {
    content = contentBlocks(m.content, param).map((b) => {
      if (b.type !== 'text' && b.type !== 'image') throw badRequest('Tool messages may only hold text and image parts.', param);
      return b;
    });
  }
  return withCache<AnthropicToolResultBlock>({ type: 'tool_result', tool_use_id: m.tool_call_id ?? '', content }, cacheControlOf(m));
}

/** Collapses a lone plain text block to a string, as most clients send it. */
function compact(blocks: AnthropicContentBlock[]): AnthropicMessage['content'] {
  const only = blocks[0];
  if (blocks.length === 1 && only?.type === 'text' && !only.cache_control) return only.text;
  return blocks;
}

/**
 * Splits chat messages into Anthropic's top-level `system` and alternating user/assistant
 * turns: system and developer messages are joined, tool messages become `tool_result`
 * blocks of a user turn, consecutive same-role messages are merged, and a conversation
 * that does not start with a user turn gets a `.` user turn first.
 *
 * @example
 * ```ts
 * const { system, messages } = toAnthropicMessages([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }]);
 * // system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }]
 * ```
 */
export function toAnthropicMessages(input: readonly ChatMessage[]): { system?: string | AnthropicTextBlock[]; messages: AnthropicMessage[] } {
  const system: AnthropicTextBlock[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; blocks: AnthropicContentBlock[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: AnthropicContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  input.forEach((m, i) => {
    switch (m.role) {
      case 'system':
      case 'developer':
        for (const b of applyMessageCache(contentBlocks(m.content, `messages[${i}].content`), m)) {
          if (b.type !== 'text') throw badRequest('System messages may only hold text.', `messages[${i}].content`);
          system.push(b);
        }
        break;
      case 'user':
        push('user', applyMessageCache(contentBlocks(m.content, `messages[${i}].content`), m));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(m, i));
        break;
      case 'tool':
        push('user', [toolResultBlock(m, i)]);
        break;
    }
  });
  if (turns[0]?.role !== 'user') turns.unshift({ role: 'user', blocks: [{ type: 'text', text: '.' }] });
  const messages = turns.map((t) => ({ role: t.role, content: compact(t.blocks) }));
  if (system.length === 0) return { messages };
  const plain = system.every((b) => !b.cache_control);
  return { system: plain ? system.map((b) => b.text).join('\n\n') : system, messages };
}

function toolOf(t: ChatTool | Record<string, unknown>): AnthropicTool {
  if (t.type !== 'function') return t as unknown as AnthropicTool; // an Anthropic-native tool, sent as is
  const fn = (t as ChatTool).function;
  const tool: AnthropicTool = { name: fn.name, input_schema: fn.parameters ?? { type: 'object', properties: {} } };
  if (fn.description) tool.description = fn.description;
  return withCache(tool, cacheControlOf(t));
}

function toolChoiceOf(request: ChatRequest): AnthropicToolChoice | undefined {
  const tc = request.tool_choice;
  const noParallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (tc === 'none') return { type: 'none' };
  if (tc === 'required') return { type: 'any', ...noParallel };
  if (tc && typeof tc === 'object') return { type: 'tool', name: tc.function.name, ...noParallel };
  if (tc === 'auto' || request.parallel_tool_calls === false) return { type: 'auto', ...noParallel };
  return undefined;
}

function thinkingOf(request: ChatRequest, opts: RequestMappingOptions): AnthropicRequest['thinking'] {
  const native = request.thinking as AnthropicRequest['thinking'] | undefined;
  if (native && typeof native === 'object') return native;
  const effort = request.reasoning_effort as string | null | undefined;
  if (!effort || effort === 'none') return undefined;
  const budgets = { ...DEFAULT_THINKING_BUDGETS, ...opts.thinkingBudgets } as Record<string, number>;
  const budget = budgets[effort];
  if (!budget) throw badRequest(`reasoning_effort "${effort}" is not supported by the anthropic provider.`, 'reasoning_effort');
  return { type: 'enabled', budget_tokens: budget };
}

/**
 * Maps an OpenAI chat request to an Anthropic Messages API request.
 *
 * `max_completion_tokens` wins over `max_tokens`, with a default when both are absent;
 * `reasoning_effort` becomes a thinking budget (and `max_tokens` grows past it when needed);
 * `response_format` (`json_schema`, or `json_object` with a free-form schema) becomes a tool the model is made to call
 * ({@link JSON_TOOL_NAME}), whose input the response mapping returns as the content.
 *
 * @example
 * ```ts
 * const body = toAnthropicRequest({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], stop: 'END' });
 * // { model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }], stop_sequences: ['END'] }
 * ```
 */
export function toAnthropicRequest(request: ChatRequest, opts: RequestMappingOptions = {}): AnthropicRequest {
  checkParams(request);
  if (request.n != null && request.n > 1) throw badRequest('The anthropic provider returns one choice; `n` must be 1.', 'n');
  const { system, messages } = toAnthropicMessages(request.messages);
  const body: Mutable<AnthropicRequest> = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
    messages,
  };
  if (system !== undefined) body.system = system;
  if (request.stop != null) body.stop_sequences = typeof request.stop === 'string' ? [request.stop] : [...request.stop];
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (typeof request.top_k === 'number') body.top_k = request.top_k;
  const userId = request.user ?? request.safety_identifier;
  if (typeof userId === 'string' && userId) body.metadata = { user_id: userId };
  const tier = request.service_tier;
  if (tier === 'default') body.service_tier = 'standard_only';
  else if (tier != null && tier !== 'auto') throw badRequest(`service_tier '${String(tier)}' is not an Anthropic tier (auto, default → standard_only).`, 'service_tier');
  if (request.stream === true) body.stream = true;

  const thinking = thinkingOf(request, opts);
  if (thinking) {
    body.thinking = thinking;
    if (thinking.type === 'enabled' && body.max_tokens <= thinking.budget_tokens) body.max_tokens += thinking.budget_tokens;
  }

  const tools = request.tools?.length ? request.tools.map(toolOf) : [];
  let toolChoice = tools.length ? toolChoiceOf(request) : undefined;
  const rf = request.response_format;
  if (rf && rf.type !== 'text' && rf.type !== 'json_schema' && rf.type !== 'json_object') throw badRequest(`Invalid value for 'response_format.type': '${String(rf.type)}'.`, 'response_format.type');
  if (rf?.type === 'json_schema' || rf?.type === 'json_object') {
    const schema = (rf.type === 'json_schema' ? (rf.json_schema?.schema as Record<string, unknown> | undefined) : undefined) ?? { type: 'object' };
    tools.push({ name: JSON_TOOL_NAME, description: 'Respond with a JSON object that matches the input schema.', input_schema: schema });
    // forcing a tool is not allowed with thinking, and would shut out the client's own tools
    if (!thinking && tools.length === 1) toolChoice = { type: 'tool', name: JSON_TOOL_NAME };
  }
  if (tools.length) body.tools = tools;
  if (toolChoice) body.tool_choice = toolChoice;
  return body;
}
