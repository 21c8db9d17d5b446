/**
 * The bridge, streaming side: chat chunks → the full Responses event sequence, in the order
 * the official SDK's `responses.stream()` accumulator checks (created → in_progress →
 * output_item.added → content_part.added → deltas → text.done → content_part.done →
 * output_item.done → completed), with function-call argument deltas and `sequence_number`.
 */
import type { ChatChunk, FinishReason, Usage } from '@switchyard/core';
import { toResponseUsage, statusOf } from './from-chat.js';
import { newId } from './ids.js';
import type { Item, ResponseObject } from './types.js';

/** One Responses stream event. */
export interface ResponseEvent {
  type: string;
  sequence_number: number;
  [key: string]: unknown;
}

interface OpenMessage {
  kind: 'message';
  index: number;
  id: string;
  text: string[];
}
interface OpenCall {
  kind: 'call';
  index: number;
  id: string;
  callId: string;
  name: string;
  args: string[];
}

/**
 * Streams Responses events for a chat chunk stream, ending with `response.completed` or
 * `response.incomplete` (the runner holds it until the call is recorded). An upstream failure
 * ends the generator with the error; the route sends it as `response.failed`.
 *
 * @example
 * ```ts
 * for await (const ev of responseEvents(chunks, inProgress)) send(ev);
 * ```
 */
export async function* responseEvents(chunks: AsyncIterable<ChatChunk>, base: ResponseObject): AsyncGenerator<ResponseEvent> {
  let seq = 0;
  const ev = (type: string, fields: Record<string, unknown>): ResponseEvent => ({ type, sequence_number: seq++, ...fields });
  const output: Item[] = [];
  let message: OpenMessage | undefined;
  const calls = new Map<number, OpenCall>();
  let finishReason: FinishReason | null = null;
  let usage: Usage | undefined;
  const model = base.model; // the name the client asked for, in every event

  yield ev('response.created', { response: { ...base, status: 'in_progress', output: [], usage: null } });
  yield ev('response.in_progress', { response: { ...base, status: 'in_progress', output: [], usage: null } });

  function* closeMessage(): Generator<ResponseEvent> {
    if (!message) return;
    const m = message;
    message = undefined;
    const text = m.text.join('');
    const part = { type: 'output_text', text, annotations: [], logprobs: [] };
    const item: Item = { id: m.id, type: 'message', role: 'assistant', status: 'completed', content: [part as never] };
    output[m.index] = item;
    yield ev('response.output_text.done', { item_id: m.id, output_index: m.index, content_index: 0, text, logprobs: [] });
    yield ev('response.content_part.done', { item_id: m.id, output_index: m.index, content_index: 0, part });
    yield ev('response.output_item.done', { output_index: m.index, item });
  }
  function* closeCall(c: OpenCall): Generator<ResponseEvent> {
    const args = c.args.join('');
    const item: Item = { id: c.id, type: 'function_call', status: 'completed', call_id: c.callId, name: c.name, arguments: args };
    output[c.index] = item;
    yield ev('response.function_call_arguments.done', { item_id: c.id, output_index: c.index, name: c.name, arguments: args });
    yield ev('response.output_item.done', { output_index: c.index, item });
  }

  for await (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const d = choice.delta;
    if (typeof d.content === 'string' && d.content.length > 0) {
      if (!message) {
        message = { kind: 'message', index: output.length, id: newId('msg'), text: [] };
        output.push({ id: message.id, type: 'message', role: 'assistant', status: 'in_progress', content: [] });
        yield ev('response.output_item.added', { output_index: message.index, item: { id: message.id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
        yield ev('response.content_part.added', {
          item_id: message.id,
          output_index: message.index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
        });
      }
      message.text.push(d.content);
      yield ev('response.output_text.delta', { item_id: message.id, output_index: message.index, content_index: 0, delta: d.content, logprobs: [] });
    }
    for (const tc of d.tool_calls ?? []) {
      let call = calls.get(tc.index);
      if (!call) {
        yield* closeMessage();
        call = { kind: 'call', index: output.length, id: newId('fc'), callId: tc.id ?? newId('call'), name: tc.function?.name ?? '', args: [] };
        calls.set(tc.index, call);
        const added: Item = { id: call.id, type: 'function_call', status: 'in_progress', call_id: call.callId, name: call.name, arguments: '' };
        output.push(added);
        yield ev('response.output_item.added', { output_index: call.index, item: added });
      }
      const frag = tc.function?.arguments;
      if (frag) {
        call.args.push(frag);
        yield ev('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta: frag });
      }
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  yield* closeMessage();
  for (const c of calls.values()) yield* closeCall(c);
  const { status, incomplete } = statusOf(finishReason);
  const final: ResponseObject = {
    ...base,
    model,
    status,
    incomplete_details: incomplete,
    completed_at: Math.floor(Date.now() / 1000),
    output,
    usage: toResponseUsage(usage),
  };
  yield ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final });
}

/**
 * The events of a response that exists whole (an answer a plugin gave without a provider):
 * created, in progress, each output item with its text, then the terminal event.
 *
 * @example
 * ```ts
 * for (const ev of wholeResponseEvents(response)) send(ev);
 * ```
 */
export function wholeResponseEvents(response: ResponseObject): ResponseEvent[] {
  let seq = 0;
  const ev = (type: string, fields: Record<string, unknown>): ResponseEvent => ({ type, sequence_number: seq++, ...fields });
  const begun = { ...response, status: 'in_progress', output: [], usage: null };
  const out: ResponseEvent[] = [ev('response.created', { response: begun }), ev('response.in_progress', { response: begun })];
  response.output.forEach((item, i) => {
    out.push(ev('response.output_item.added', { output_index: i, item: { ...item, status: 'in_progress', ...(item.type === 'message' ? { content: [] } : {}) } }));
    if (item.type === 'message') {
      item.content.forEach((part, j) => {
        const text = 'text' in part ? part.text : '';
        out.push(ev('response.content_part.added', { item_id: item.id, output_index: i, content_index: j, part: { ...part, ...('text' in part ? { text: '' } : {}) } }));
        if (text) out.push(ev('response.output_text.delta', { item_id: item.id, output_index: i, content_index: j, delta: text, logprobs: [] }));
        if ('text' in part) out.push(ev('response.output_text.done', { item_id: item.id, output_index: i, content_index: j, text, logprobs: [] }));
        out.push(ev('response.content_part.done', { item_id: item.id, output_index: i, content_index: j, part }));
      });
    } else if (item.type === 'function_call') {
      out.push(ev('response.function_call_arguments.delta', { item_id: item.id, output_index: i, delta: item.arguments }));
      out.push(ev('response.function_call_arguments.done', { item_id: item.id, output_index: i, name: item.name, arguments: item.arguments }));
    }
    out.push(ev('response.output_item.done', { output_index: i, item }));
  });
  out.push(ev(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response }));
  return out;
}
