/**
 * The bridge, request side: a Responses request plus the stored chain it continues → one
 * chat completions request any provider can serve.
 */
import { GatewayError, type ChatContentPart, type ChatMessage, type ChatRequest, type ChatTool } from '@switchyard/core';
import type { CreateResponse } from './schema.js';
import type { InputContent, Item } from './types.js';

function userParts(parts: InputContent[], at: string): string | ChatContentPart[] {
  if (parts.every((p) => p.type === 'input_text' || p.type === 'output_text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts.map((p, j): ChatContentPart => {
    switch (p.type) {
      case 'input_text':
      case 'output_text':
        return { type: 'text', text: p.text };
      case 'input_image':
        if (!p.image_url) {
          throw new GatewayError('GW_ERR_INVALID_REQUEST', 'input_image needs an image_url on bridged providers.', { param: `${at}.content[${j}].image_url` });
        }
        return { type: 'image_url', image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail as 'auto' } : {}) } };
      case 'input_file':
        return { type: 'file', file: { file_id: p.file_id, file_data: p.file_data, filename: p.filename } };
      case 'refusal':
        return { type: 'text', text: p.refusal };
    }
  });
}

/**
 * Chat messages for a sequence of items (history first, then the new input).
 *
 * @example
 * ```ts
 * itemsToMessages([{ id: 'm', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]);
 * // [{ role: 'user', content: 'hi' }]
 * ```
 */
export function itemsToMessages(items: readonly Item[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  items.forEach((item, i) => {
    const at = `input[${i}]`;
    switch (item.type) {
      case 'message':
        if (item.role === 'assistant') {
          out.push({ role: 'assistant', content: item.content.map((p) => ('text' in p ? p.text : 'refusal' in p ? p.refusal : '')).join('') });
        } else if (item.role === 'user') {
          out.push({ role: 'user', content: userParts(item.content, at) });
        } else {
          out.push({ role: item.role, content: item.content.map((p) => ('text' in p ? p.text : '')).join('') });
        }
        return;
      case 'function_call': {
        const call = { id: item.call_id, type: 'function' as const, function: { name: item.name, arguments: item.arguments } };
        const last = out.at(-1);
        if (last?.role === 'assistant' && (last.tool_calls || last.content === null || last.content === '')) {
          last.tool_calls = [...(last.tool_calls ?? []), call];
        } else if (last?.role === 'assistant' && !last.tool_calls) {
          last.tool_calls = [call];
        } else {
          out.push({ role: 'assistant', content: null, tool_calls: [call] });
        }
        return;
      }
      case 'function_call_output':
        out.push({ role: 'tool', tool_call_id: item.call_id, content: item.output });
        return;
      case 'reasoning':
        return;
    }
  });
  return out;
}

function tools(req: CreateResponse): ChatTool[] | undefined {
  if (!req.tools?.length) return undefined;
  return req.tools.map((t, i): ChatTool => {
    if (t.type !== 'function') {
      throw new GatewayError('GW_ERR_INVALID_REQUEST', `Tool type '${t.type}' is not supported for this model; only function tools are bridged.`, {
        param: `tools[${i}].type`,
        publicCode: 'unsupported_value',
      });
    }
    const f = t as { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null };
    return {
      type: 'function',
      function: { name: f.name, ...(f.description ? { description: f.description } : {}), parameters: f.parameters ?? { type: 'object', properties: {} }, ...(f.strict != null ? { strict: f.strict } : {}) },
    };
  });
}

function toolChoice(choice: CreateResponse['tool_choice']): ChatRequest['tool_choice'] {
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function' && typeof (choice as { name?: unknown }).name === 'string') {
    return { type: 'function', function: { name: (choice as { name: string }).name } };
  }
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `tool_choice of type '${choice.type}' is not supported for this model.`, { param: 'tool_choice' });
}

function responseFormat(req: CreateResponse): ChatRequest['response_format'] {
  const f = req.text?.format;
  if (!f || f.type === 'text') return undefined;
  if (f.type === 'json_object') return { type: 'json_object' };
  const s = f as { name: string; schema: Record<string, unknown>; strict?: boolean | null; description?: string };
  return { type: 'json_schema', json_schema: { name: s.name, schema: s.schema, ...(s.strict != null ? { strict: s.strict } : {}) } };
}

/**
 * The chat request that serves a Responses request on a bridged provider.
 *
 * @example
 * ```ts
 * const chat = toChatRequest(req, history, input); // history = prior turns' input + output items
 * ```
 */
export function toChatRequest(req: CreateResponse, history: readonly Item[], input: readonly Item[]): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: 'system', content: req.instructions });
  messages.push(...itemsToMessages([...history, ...input]));
  if (messages.length === 0) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', "Missing required parameter: 'input'.", { param: 'input', publicCode: 'missing_required_parameter' });
  }
  const chat: ChatRequest = { model: req.model, messages };
  const t = tools(req);
  if (t) chat.tools = t;
  const tc = toolChoice(req.tool_choice);
  if (tc !== undefined) chat.tool_choice = tc;
  if (req.parallel_tool_calls != null && t) chat.parallel_tool_calls = req.parallel_tool_calls;
  const rf = responseFormat(req);
  if (rf) chat.response_format = rf;
  if (req.max_output_tokens != null) chat.max_completion_tokens = req.max_output_tokens;
  if (req.temperature != null) chat.temperature = req.temperature;
  if (req.top_p != null) chat.top_p = req.top_p;
  if (req.reasoning?.effort) chat.reasoning_effort = req.reasoning.effort as ChatRequest['reasoning_effort'];
  if (req.user) chat.user = req.user;
  if (req.metadata) chat.metadata = req.metadata;
  if (req.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true }; // the final Responses event carries usage
  }
  return chat;
}
