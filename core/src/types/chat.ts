/**
 * The chat completions wire shapes (OpenAI spec; unknown fields pass through untouched
 * through index signatures, so a provider that understands a newer field still receives it).
 */
import type { Usage } from './call.js';

/**
 * One content part of a chat message.
 *
 * @example
 * ```ts
 * const part: ChatContentPart = { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } };
 * ```
 */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  | { type: 'file'; file: { file_id?: string; file_data?: string; filename?: string } }
  | { type: string; [key: string]: unknown };

/**
 * A tool call made by the assistant.
 *
 * @example
 * ```ts
 * const call: ChatToolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } };
 * ```
 */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * One message of a chat conversation.
 *
 * @example
 * ```ts
 * const messages: ChatMessage[] = [
 *   { role: 'system', content: 'Answer in one line.' },
 *   { role: 'user', content: [{ type: 'text', text: 'What is 2 + 2?' }] },
 * ];
 * ```
 */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
  [key: string]: unknown;
}

/**
 * A function tool offered to the model.
 *
 * @example
 * ```ts
 * const tool: ChatTool = {
 *   type: 'function',
 *   function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
 * };
 * ```
 */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/**
 * The body of `POST /v1/chat/completions`, as a provider's `chat()` receives it.
 *
 * @example
 * ```ts
 * const request: ChatRequest = {
 *   model: 'gpt-4o',
 *   messages: [{ role: 'user', content: 'hi' }],
 *   temperature: 0,
 *   stream: true,
 *   stream_options: { include_usage: true },
 * };
 * ```
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  tools?: ChatTool[];
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: Record<string, unknown> };
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high' | null;
  user?: string;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/**
 * Why a choice stopped.
 *
 * @example
 * ```ts
 * const reason: FinishReason | null = completion.choices[0]?.finish_reason ?? null;
 * if (reason === 'length') console.warn('answer cut at max_tokens');
 * ```
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * A `chat.completion` object.
 *
 * @example
 * ```ts
 * const completion: ChatCompletion = {
 *   id: 'chatcmpl-1',
 *   object: 'chat.completion',
 *   created: Math.floor(Date.now() / 1000),
 *   model: request.model,
 *   choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop', logprobs: null }],
 *   usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
 * };
 * ```
 */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string | null; refusal?: string | null; tool_calls?: ChatToolCall[]; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs: unknown;
  }>;
  usage?: Usage;
  system_fingerprint?: string | null;
  [key: string]: unknown;
}

/**
 * A streamed tool-call fragment: the first carries `id` and the name, later ones more `arguments`.
 *
 * @example
 * ```ts
 * const first: ChatToolCallDelta = { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } };
 * const next: ChatToolCallDelta = { index: 0, function: { arguments: '{"city":"Oslo"}' } };
 * ```
 */
export interface ChatToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/**
 * A `chat.completion.chunk` object.
 *
 * @example
 * ```ts
 * gateway.hooks.chunk.tap('@acme/shout', (chunk: ChatChunk) => ({
 *   ...chunk,
 *   choices: chunk.choices.map((c) => ({ ...c, delta: { ...c.delta, content: c.delta.content?.toUpperCase() } })),
 * }));
 * ```
 */
export interface ChatChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; refusal?: string | null; tool_calls?: ChatToolCallDelta[]; [key: string]: unknown };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
  }>;
  usage?: Usage | null;
  [key: string]: unknown;
}
