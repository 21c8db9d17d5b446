/**
 * The chat request a run step sends: the instructions (and the run's additional ones) as the
 * system message, the thread's messages (truncated as the run says: the last N, or under
 * `auto` the newest that fit the prompt budget), then what this run did so far (its messages,
 * its tool calls and their outputs), with the run's tools and settings.
 */
import type { ChatContentPart, ChatMessage, ChatRequest, ChatTool } from '@switchyard/core';
import type { MessageObject, RunExec, RunObject, StepObject } from '../types.js';
import { messageTokens, tokenCounter } from './tokens.js';

/** What the context is built from. */
export interface ContextInput {
  run: RunObject;
  exec: RunExec;
  /** Every message of the thread, oldest first. */
  messages: MessageObject[];
  /** This run's steps so far, oldest first. */
  steps: StepObject[];
  /** The smallest context window of the run model's deployments, when known. */
  contextWindow?: number;
}

/** A built context, or why the run cannot go on. */
export type BuiltContext = { body: ChatRequest; dropped: number } | { incomplete: 'max_prompt_tokens' | 'max_completion_tokens' };

const byteCount = (text: string) => Buffer.byteLength(text, 'utf8');

/** The share of a context window left free, for the tokenizer being another model family's. */
const SAFETY_MARGIN = 0.05;

function textOf(m: MessageObject): string {
  return m.content.map((p) => (p.type === 'text' ? p.text.value : '')).join('\n');
}

/**
 * A thread message as a chat message (text parts joined; images as image parts).
 *
 * @example
 * ```ts
 * chatMessage(msg); // { role: 'user', content: 'hi' }
 * ```
 */
export function chatMessage(m: MessageObject): ChatMessage {
  if (m.role === 'assistant' || m.content.every((p) => p.type === 'text')) return { role: m.role, content: textOf(m) };
  const parts: ChatContentPart[] = [];
  for (const p of m.content) {
    if (p.type === 'text') parts.push({ type: 'text', text: p.text.value });
    else if (p.type === 'image_url') parts.push({ type: 'image_url', image_url: { url: p.image_url.url, detail: p.image_url.detail as 'auto' } });
  }
  return { role: 'user', content: parts };
}

/** What this run did so far, as chat messages (a message followed by tool calls of the same turn is one assistant message). */
function runTurns(steps: readonly StepObject[], byId: ReadonlyMap<string, MessageObject>): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const s of steps) {
    if (s.step_details.type === 'message_creation') {
      const m = byId.get(s.step_details.message_creation.message_id);
      if (m && s.status === 'completed') out.push({ role: 'assistant', content: textOf(m) });
      continue;
    }
    if (s.status !== 'completed') continue;
    const calls = s.step_details.tool_calls;
    const prev = out.at(-1);
    const toolCalls = calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.function.name, arguments: c.function.arguments } }));
    if (prev && prev.role === 'assistant' && !prev.tool_calls) prev.tool_calls = toolCalls;
    else out.push({ role: 'assistant', content: null, tool_calls: toolCalls });
    for (const c of calls) out.push({ role: 'tool', tool_call_id: c.id, content: c.function.output ?? '' });
  }
  return out;
}

/**
 * The chat request of the run's next step.
 *
 * @example
 * ```ts
 * const ctx = await buildContext({ run, exec, messages, steps });
 * if ('body' in ctx) await api.call({ body: ctx.body });
 * ```
 */
export async function buildContext(input: ContextInput): Promise<BuiltContext> {
  const { run, exec } = input;
  const byId = new Map(input.messages.map((m) => [m.id, m]));
  let history = input.messages.filter((m) => m.run_id !== run.id && m.status !== 'in_progress').map(chatMessage);
  const turns = runTurns(input.steps, byId);
  const instructions = [run.instructions, exec.additionalInstructions].filter((s): s is string => Boolean(s)).join('\n\n');
  const system: ChatMessage[] = instructions ? [{ role: 'system', content: instructions }] : [];

  let dropped = 0;
  if (run.truncation_strategy.type === 'last_messages' && run.truncation_strategy.last_messages) {
    const keep = run.truncation_strategy.last_messages;
    dropped = Math.max(0, history.length - keep);
    history = history.slice(dropped);
  }
  let budget: number | undefined;
  if (run.max_prompt_tokens !== null) budget = run.max_prompt_tokens - exec.usage.prompt_tokens;
  if (input.contextWindow !== undefined) {
    const window = Math.floor(input.contextWindow * (1 - SAFETY_MARGIN));
    budget = budget === undefined ? window : Math.min(budget, window);
  }
  if (budget !== undefined && budget <= 0) return { incomplete: 'max_prompt_tokens' };
  // a token is at least one byte: a prompt of fewer bytes than the budget fits without counting
  if (budget !== undefined && [...system, ...history, ...turns].reduce((n, m) => n + messageTokens(m, byteCount), 0) > budget) {
    const count = await tokenCounter();
    const fixed = [...system, ...turns].reduce((n, m) => n + messageTokens(m, count), 0);
    let left = budget - fixed;
    if (left < 0) return { incomplete: 'max_prompt_tokens' };
    // newest first, while they fit (auto; last_messages was cut above and is kept whole)
    let start = history.length;
    while (start > 0) {
      const n = messageTokens(history[start - 1]!, count);
      if (n > left) break;
      left -= n;
      start--;
    }
    if (start > 0 && run.truncation_strategy.type === 'last_messages') return { incomplete: 'max_prompt_tokens' };
    if (start === history.length && history.length > 0 && turns.length === 0) return { incomplete: 'max_prompt_tokens' }; // not even the newest message fits
    dropped += start;
    history = history.slice(start);
  }

  const body: ChatRequest = { model: run.model, messages: [...system, ...history, ...turns], stream: true, stream_options: { include_usage: true } };
  const tools: ChatTool[] = run.tools.flatMap((t) => (t.type === 'function' ? [{ type: 'function' as const, function: { ...t.function } }] : []));
  if (tools.length > 0) {
    body.tools = tools;
    body.tool_choice = run.tool_choice;
    body.parallel_tool_calls = run.parallel_tool_calls;
  }
  if (run.temperature !== null) body.temperature = run.temperature;
  if (run.top_p !== null) body.top_p = run.top_p;
  if (run.response_format !== 'auto' && run.response_format.type !== 'text') body.response_format = run.response_format as ChatRequest['response_format'];
  if (run.reasoning_effort) body.reasoning_effort = run.reasoning_effort as ChatRequest['reasoning_effort'];
  if (run.max_completion_tokens !== null) {
    const left = run.max_completion_tokens - exec.usage.completion_tokens;
    if (left <= 0) return { incomplete: 'max_completion_tokens' };
    body.max_completion_tokens = left;
  }
  return { body, dropped };
}
