/**
 * A new run: the assistant's settings with the run's overrides (model, instructions, tools,
 * sampling, response format, token limits, truncation, tool choice), checked for what a
 * native run can execute.
 */
import { invalid } from '../errors.js';
import { newId, nowSec } from '../ids.js';
import { checkNativeTools } from '../objects.js';
import type { CreateRun, CreateThreadAndRun } from '../schema.js';
import type { AssistantObject, RunObject } from '../types.js';

/** How long a run may wait (queued or for tool outputs) before it expires, as OpenAI's 10 minutes. */
export const RUN_TTL_SEC = 600;

/** The run fields a create request may set. */
export type RunOverrides = Omit<CreateRun, 'additional_instructions' | 'additional_messages'> | CreateThreadAndRun;

/**
 * A queued run of `asst` on thread `threadId` with the request's overrides.
 *
 * @example
 * ```ts
 * const run = newRun(asst, thread.id, body);
 * ```
 */
export function newRun(asst: AssistantObject, threadId: string, body: RunOverrides): RunObject {
  const createdAt = nowSec();
  const model = body.model ?? asst.model;
  const tools = body.tools ?? asst.tools;
  checkNativeTools(body.tools ?? undefined, model, 'tools');
  // the assistant's own tools, on the model this run uses
  if (!body.tools) checkNativeTools(asst.tools, model, 'assistant_id');
  const choice = body.tool_choice ?? 'auto';
  if (typeof choice === 'object' && !tools.some((t) => t.type === 'function' && t.function.name === choice.function.name)) {
    throw invalid(`Invalid 'tool_choice': the run has no function tool named '${choice.function.name}'.`, 'tool_choice.function.name');
  }
  if (choice === 'required' && !tools.some((t) => t.type === 'function')) throw invalid("Invalid 'tool_choice': 'required' needs at least one function tool.", 'tool_choice');
  const strategy = body.truncation_strategy ?? { type: 'auto' as const, last_messages: null };
  if (strategy.type === 'last_messages' && !strategy.last_messages) {
    throw invalid("Missing required parameter: 'truncation_strategy.last_messages' (with type 'last_messages').", 'truncation_strategy.last_messages', 'missing_required_parameter');
  }
  return {
    id: newId('run'),
    object: 'thread.run',
    created_at: createdAt,
    thread_id: threadId,
    assistant_id: asst.id,
    status: 'queued',
    required_action: null,
    last_error: null,
    expires_at: createdAt + RUN_TTL_SEC,
    started_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model,
    instructions: body.instructions ?? asst.instructions ?? '',
    tools,
    metadata: body.metadata ?? {},
    usage: null,
    temperature: body.temperature ?? asst.temperature,
    top_p: body.top_p ?? asst.top_p,
    max_prompt_tokens: body.max_prompt_tokens ?? null,
    max_completion_tokens: body.max_completion_tokens ?? null,
    truncation_strategy: { type: strategy.type, last_messages: strategy.last_messages ?? null },
    response_format: body.response_format ?? asst.response_format,
    tool_choice: choice,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    reasoning_effort: body.reasoning_effort ?? asst.reasoning_effort,
  };
}
