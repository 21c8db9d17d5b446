/**
 * What each mock model answers.
 */
import { GatewayError, timeOrderedId, type ChatMessage, type ChatRequest, type ChatToolCall, type FinishReason } from '@switchyard/core';
import { firstTokens, lorem } from './tokens.js';

/** The mock models (served as `mock/<name>`). */
export const MOCK_MODELS = ['echo', 'transcript', 'lorem', 'tool', 'error-400', 'error-429', 'error-500', 'drop', 'embed'] as const;

/** `error-<status>` models: any 4xx or 5xx status (others are not errors a provider sends). */
export const ERROR_MODEL = /^error-([45]\d\d)$/;

/** Most tokens a mock model writes, as a real model's output limit (more is a 400, as upstream). */
export const MAX_OUTPUT_TOKENS = 65_536;

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

/** An answer of at most {@link MAX_OUTPUT_TOKENS} tokens, cut with `length` beyond (as a real model stops). */
function bounded(text: string): MockAnswer {
  const cut = text.length > MAX_OUTPUT_TOKENS ? firstTokens(text, MAX_OUTPUT_TOKENS) : text;
  return { content: cut, finish: cut.length < text.length ? 'length' : 'stop' };
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
  if (max !== undefined && max > MAX_OUTPUT_TOKENS) {
    const param = request.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    throw new GatewayError(
      'GW_ERR_INVALID_REQUEST',
      `${param} is too large: ${max}. This model supports at most ${MAX_OUTPUT_TOKENS} completion tokens, whereas you provided ${max}.`,
      { param, publicCode: 'invalid_value' },
    );
  }
  const error = ERROR_MODEL.exec(model);
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
    case 'echo':
      return bounded(lastUserText(request));
    case 'transcript': {
      // every user turn and tool result, in order: shows exactly which history reached the model
      const turns = request.messages.filter((m) => m.role === 'user' || m.role === 'tool').map((m) => (m.role === 'tool' ? `tool:${textOf(m)}` : textOf(m)));
      return bounded(turns.join(' | '));
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
    case 'embed':
      throw new GatewayError('GW_ERR_INVALID_REQUEST', 'mock/embed is an embeddings model: it is served at /v1/embeddings, not chat completions.', {
        param: 'model',
        publicCode: 'model_not_supported',
      });
    default:
      throw new GatewayError('GW_ERR_MODEL_NOT_FOUND', `The mock provider has no model '${model}' (it has ${MOCK_MODELS.join(', ')}).`, {
        param: 'model',
        publicCode: 'model_not_found',
      });
  }
}
