/**
 * What each mock model answers.
 */
import { GatewayError, timeOrderedId, type ChatMessage, type ChatRequest, type ChatToolCall, type FinishReason } from '@switchyard/core';
import { lorem } from './tokens.js';

/** The mock models (served as `mock/<name>`). */
export const MOCK_MODELS = ['echo', 'transcript', 'lorem', 'tool', 'error-400', 'error-429', 'error-500', 'drop'] as const;

/** What a mock model decided to answer. */
export interface MockAnswer {
  content: string | null;
  toolCalls?: ChatToolCall[];
  finish: FinishReason;
  /** For `drop`: fail the stream after this many pieces. */
  dropAfter?: number;
}

function textOf(message: ChatMessage | undefined): string {
  if (!message) return '';
  const c = message.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (p.type === 'text' ? String((p as { text: string }).text) : '')).join('');
  return '';
}

/** The text of the last user message. */
export function lastUserText(request: ChatRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    if (request.messages[i]!.role === 'user') return textOf(request.messages[i]);
  }
  return '';
}

/**
 * Decides the answer of `model` to `request`.
 *
 * @example
 * ```ts
 * answer('echo', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }).content; // 'hi'
 * ```
 */
export function answer(model: string, request: ChatRequest): MockAnswer {
  const max = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const error = /^error-(\d{3})$/.exec(model);
  if (error) {
    const status = Number(error[1]);
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `mock error ${status}`, {
      status,
      type: status === 429 ? 'rate_limit_error' : status >= 500 ? 'server_error' : 'invalid_request_error',
      publicCode: status === 429 ? 'rate_limit_exceeded' : null,
      headers: status === 429 ? { 'retry-after': '1' } : {},
      expose: true,
    });
  }
  switch (model) {
    case 'echo': {
      const text = lastUserText(request);
      return { content: text, finish: 'stop' };
    }
    case 'transcript': {
      // every user turn and tool result, in order: shows exactly which history reached the model
      const turns = request.messages.filter((m) => m.role === 'user' || m.role === 'tool').map((m) => (m.role === 'tool' ? `tool:${textOf(m)}` : textOf(m)));
      return { content: turns.join(' | '), finish: 'stop' };
    }
    case 'lorem': {
      const n = max ?? 32;
      return { content: lorem(n), finish: max !== undefined ? 'length' : 'stop' };
    }
    case 'tool': {
      const tool = request.tools?.[0];
      const lastTool = request.messages.at(-1);
      if (!tool || lastTool?.role === 'tool') {
        return { content: lastTool?.role === 'tool' ? `tool said: ${textOf(lastTool)}` : lastUserText(request), finish: 'stop' };
      }
      const args = JSON.stringify({ input: lastUserText(request) });
      return {
        content: null,
        toolCalls: [{ id: `call_mock${timeOrderedId().replaceAll('-', '')}`, type: 'function', function: { name: tool.function.name, arguments: args } }],
        finish: 'tool_calls',
      };
    }
    case 'drop':
      return { content: lorem(8), finish: 'stop', dropAfter: 3 };
    default:
      throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', `The mock provider has no model '${model}' (it has ${MOCK_MODELS.join(', ')}).`, {
        param: 'model',
        publicCode: 'model_not_found',
      });
  }
}
