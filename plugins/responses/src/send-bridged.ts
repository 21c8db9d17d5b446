/**
 * One bridged attempt: the Responses request (with the chain it continues) as a chat
 * completion to a provider without a Responses API, and its answer as a Responses object or
 * event stream. A stream's first chat chunk is read before the events start, so an upstream
 * that fails first gets its real status (and the runner may try another deployment).
 */
import {
  invalidAnswer,
  validate,
  type ChatChunk,
  type ChatCompletion,
  type OperationResult,
  type ProviderAdapter,
  type ProviderCall,
} from '@switchyard/core';
import { ChatRequestSchema, ChunkAggregator, chatCodec, checkStreamEnd, completionToChunks } from '@switchyard/chat-wire';
import { stateOf } from './call-state.js';
import { conversationHistory } from './conversation.js';
import type { ResponsesDeps } from './deps.js';
import { completionOutput, responseObject, statusOf, toResponseUsage } from './from-chat.js';
import type { CreateResponse } from './schema.js';
import { responseEvents, type ResponseEvent } from './stream-events.js';
import { toChatRequest } from './to-chat.js';
import type { ResponseObject } from './types.js';

const nowSec = () => Math.floor(Date.now() / 1000);

/** Chat chunks checked as the runner checks a chat stream (each a chunk, every choice finished). */
async function* checked(first: ChatChunk, it: AsyncIterator<ChatChunk>, provider: string): AsyncGenerator<ChatChunk> {
  const agg = new ChunkAggregator();
  let chunk: ChatChunk | undefined = first;
  try {
    while (chunk) {
      agg.add(chunk);
      yield chunk;
      const next = await it.next();
      if (next.done) break;
      chatCodec.checkChunk(next.value, provider);
      chunk = next.value;
    }
    checkStreamEnd(agg.result(), provider);
    chunk = undefined;
  } finally {
    // stopped early (the consumer went, or a chunk was bad): end the upstream read too
    if (chunk) await it.return?.()?.catch(() => undefined);
  }
}

/**
 * Sends one bridged attempt.
 *
 * @example
 * ```ts
 * const result = await sendBridged(deps, adapter, request, call);
 * ```
 */
export async function sendBridged(deps: ResponsesDeps, adapter: ProviderAdapter, body: CreateResponse, call: ProviderCall): Promise<OperationResult<ResponseObject, ResponseEvent>> {
  const { ctx, deployment } = call;
  const s = stateOf(ctx);
  const conversation = ctx.state.conversation;
  const history = conversation ? await conversationHistory(conversation, body, deployment, ctx) : s.parent ? await (s.history ??= deps.repo.history(s.parent)) : [];
  const chat = validate(ChatRequestSchema, toChatRequest(body, history, s.input));
  const result = await adapter.chat(await chatCodec.prepare(chat, deployment, ctx), call);
  const provider = deployment.provider;
  const base = responseObject(body, { id: s.id!, createdAt: s.createdAt, status: 'in_progress', output: [], usage: null, model: ctx.model });

  if (result.type === 'completion' || body.stream !== true) {
    let completion: ChatCompletion;
    if (result.type === 'completion') {
      chatCodec.checkResponse(result.body, provider);
      completion = result.body;
    } else {
      const agg = new ChunkAggregator();
      for await (const chunk of result.chunks) {
        chatCodec.checkChunk(chunk, provider);
        agg.add(chunk);
      }
      completion = agg.result();
      checkStreamEnd(completion, provider);
    }
    if (body.stream === true) return { type: 'stream', chunks: responseEvents(fromArray(completionToChunks(completion, true)), base), upstreamRequestId: result.upstreamRequestId };
    const { status, incomplete } = statusOf(completion.choices[0]?.finish_reason);
    const response: ResponseObject = { ...base, status, incomplete_details: incomplete, completed_at: nowSec(), output: completionOutput(completion), usage: toResponseUsage(completion.usage) };
    return { type: 'completion', body: response, upstreamRequestId: result.upstreamRequestId };
  }
  const it = result.chunks[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw invalidAnswer(provider, 'ended the stream before the answer was complete', 'upstream_stream_incomplete');
  chatCodec.checkChunk(first.value, provider);
  return { type: 'stream', chunks: responseEvents(checked(first.value, it, provider), base), upstreamRequestId: result.upstreamRequestId };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}
