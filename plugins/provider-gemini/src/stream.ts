/**
 * Gemini `streamGenerateContent?alt=sse` events → OpenAI chat chunks. Each event is a
 * whole `GenerateContentResponse` carrying only the new parts; the last one carries the
 * `finishReason` and the final `usageMetadata`. A failed finish (`MALFORMED_FUNCTION_CALL`,
 * `OTHER`, …) or a stream without any candidate throws, as the non-streamed answer does.
 */
import { GatewayError, type ChatChunk, type Usage } from '@switchyard/core';
import { type EventSourceMessage } from '@switchyard/upstream';
import { geminiStreamError } from './errors.js';
import { completionId, finishError, noCandidates, splitParts, toFinishReason, toToolCall, toUsage } from './response.js';
import type { GeminiResponse } from './wire.js';

/** Options of {@link toChatChunks}. */
export interface StreamMappingOptions {
  /** Send a final `choices: []` chunk with usage. */
  includeUsage: boolean;
  /** Model name when the upstream does not send `modelVersion`. */
  model: string;
  provider: string;
  /** Called with the upstream `responseId` of the first event that has one. */
  onResponseId?: (id: string) => void;
}

interface ChoiceState {
  started: boolean;
  toolCalls: number;
  finished: boolean;
}

/**
 * Translates parsed Gemini stream events to chat chunks.
 *
 * @example
 * ```ts
 * for await (const chunk of toChatChunks(sseEvents(res, 'gemini'), { includeUsage: true, model: 'gemini-2.5-flash', provider: 'gemini' })) send(chunk);
 * ```
 */
export async function* toChatChunks(events: AsyncIterable<EventSourceMessage>, options: StreamMappingOptions): AsyncGenerator<ChatChunk> {
  let id: string | undefined;
  let model = options.model;
  const created = Math.floor(Date.now() / 1000);
  const states = new Map<number, ChoiceState>();
  let usage: Usage | undefined;
  const chunk = (choices: ChatChunk['choices']): ChatChunk => ({ id: id!, object: 'chat.completion.chunk', created, model, choices });

  for await (const ev of events) {
    if (!ev.data.trim()) continue;
    let res: GeminiResponse & { error?: unknown };
    try {
      res = JSON.parse(ev.data) as GeminiResponse & { error?: unknown };
    } catch {
      throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${options.provider} upstream sent a stream event that is not JSON.`, {
        publicCode: 'upstream_invalid_response',
        expose: true,
      });
    }
    if (res.error) throw geminiStreamError(res.error, options.provider);
    if (id === undefined && res.responseId) options.onResponseId?.(res.responseId);
    id ??= completionId(res);
    if (res.modelVersion) model = res.modelVersion;
    if (res.usageMetadata) usage = toUsage(res.usageMetadata);

    for (const [i, c] of (res.candidates ?? []).entries()) {
      const index = c.index ?? i;
      let st = states.get(index);
      if (!st) states.set(index, (st = { started: false, toolCalls: 0, finished: false }));
      const { text, thoughts, calls } = splitParts(c.content?.parts);
      const delta: ChatChunk['choices'][number]['delta'] = {};
      if (!st.started) {
        delta.role = 'assistant';
        delta.content = '';
        st.started = true;
      }
      if (thoughts) delta.reasoning_content = thoughts;
      if (text) delta.content = (delta.content ?? '') + text;
      if (calls.length) delta.tool_calls = calls.map((call) => ({ index: st.toolCalls++, ...toToolCall(call) }));
      if (Object.keys(delta).length) yield chunk([{ index, delta, finish_reason: null, logprobs: null }]);
      const failed = finishError(c, options.provider);
      if (failed) throw failed;
      if (c.finishReason && !st.finished) {
        st.finished = true;
        yield chunk([{ index, delta: {}, finish_reason: toFinishReason(c.finishReason, st.toolCalls > 0), logprobs: null }]);
      }
    }
    if (res.promptFeedback?.blockReason && !states.has(0)) {
      states.set(0, { started: true, toolCalls: 0, finished: true });
      yield chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }]);
      yield chunk([{ index: 0, delta: {}, finish_reason: 'content_filter', logprobs: null }]);
    }
  }
  if (id === undefined) {
    throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${options.provider} upstream ended the stream without an answer.`, {
      publicCode: 'upstream_invalid_response',
      expose: true,
    });
  }
  // events came, but never a candidate nor a block reason: not an answer
  if (states.size === 0) throw noCandidates(options.provider);
  for (const [index, st] of states) {
    if (!st.finished) yield chunk([{ index, delta: {}, finish_reason: st.toolCalls > 0 ? 'tool_calls' : 'stop', logprobs: null }]);
  }
  if (options.includeUsage && usage) yield { ...chunk([]), usage };
}
