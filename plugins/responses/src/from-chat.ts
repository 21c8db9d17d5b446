/**
 * The bridge, response side: a chat completion → Responses output items, usage and status.
 */
import type { ChatCompletion, FinishReason, Usage } from '@switchyard/core';
import { newId } from './ids.js';
import type { CreateResponse } from './schema.js';
import type { Item, ResponseObject, ResponseStatus, ResponseUsage } from './types.js';

/**
 * Responses usage from chat usage.
 *
 * @example
 * ```ts
 * toResponseUsage({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }).input_tokens; // 3
 * ```
 */
export function toResponseUsage(u: Usage | undefined | null): ResponseUsage | null {
  if (!u) return null;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: u.prompt_tokens_details?.cache_write_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/**
 * Status and incomplete details for a finish reason.
 *
 * @example
 * ```ts
 * statusOf('length'); // { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } }
 * ```
 */
export function statusOf(finish: FinishReason | null | undefined): { status: ResponseStatus; incomplete: ResponseObject['incomplete_details'] } {
  if (finish === 'length') return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { status: 'completed', incomplete: null };
}

/**
 * Output items of a completion: a message for its text, a function_call per tool call.
 *
 * @example
 * ```ts
 * const output = completionOutput(completion);
 * ```
 */
export function completionOutput(c: ChatCompletion): Item[] {
  const choice = c.choices[0];
  if (!choice) return [];
  const out: Item[] = [];
  const m = choice.message;
  const done = statusOf(choice.finish_reason).status === 'completed' ? 'completed' : 'incomplete';
  if (typeof m.content === 'string' && m.content.length > 0) {
    out.push({ id: newId('msg'), type: 'message', role: 'assistant', status: done, content: [{ type: 'output_text', text: m.content, annotations: [], logprobs: [] }] });
  } else if (typeof m.refusal === 'string' && m.refusal) {
    out.push({ id: newId('msg'), type: 'message', role: 'assistant', status: done, content: [{ type: 'refusal', refusal: m.refusal }] });
  }
  for (const tc of m.tool_calls ?? []) {
    out.push({ id: newId('fc'), type: 'function_call', call_id: tc.id, name: tc.function.name, arguments: tc.function.arguments, status: 'completed' });
  }
  return out;
}

/**
 * A response object for a request, before or after it ran.
 *
 * @example
 * ```ts
 * const r = responseObject(req, { id, createdAt, status: 'in_progress', output: [], usage: null });
 * ```
 */
export function responseObject(
  req: CreateResponse,
  state: {
    id: string;
    createdAt: number;
    status: ResponseStatus;
    output: Item[];
    usage: ResponseUsage | null;
    model?: string;
    completedAt?: number | null;
    error?: ResponseObject['error'];
    incomplete?: ResponseObject['incomplete_details'];
  },
): ResponseObject {
  return {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    completed_at: state.completedAt ?? null,
    error: state.error ?? null,
    incomplete_details: state.incomplete ?? null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: state.model ?? req.model,
    output: state.output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: null },
    store: req.store ?? true,
    temperature: req.temperature ?? 1,
    text: { format: (req.text?.format as Record<string, unknown> | undefined) ?? { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? 1,
    truncation: req.truncation ?? 'disabled',
    usage: state.usage,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
    background: req.background ?? false,
    service_tier: 'default',
    ...(req.conversation ? { conversation: { id: typeof req.conversation === 'string' ? req.conversation : req.conversation.id } } : {}),
  };
}
