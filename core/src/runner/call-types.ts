/**
 * Input and output of one in-process call through the pipeline (`gateway.call`).
 */
import type { CallContext, ChatChunk, ChatCompletion, GatewayState, Operation, Principal } from '../types/index.js';
import type { AbortLike } from './abort.js';

/**
 * One call into the pipeline, as HTTP routes, batch workers and bridges make it.
 *
 * @example
 * ```ts
 * const out = await gateway.call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
 * if (out.type === 'completion') console.log(out.body.choices[0].message.content);
 * ```
 */
export interface CallInput {
  /** The operation, as its plugin registered it (default `chat`: the built-in `@switchyard/chat`; `embeddings`, `responses`, ...). */
  operation?: Operation;
  /** The request body as the client sent it (validated by the pipeline). */
  body: unknown;
  headers?: Record<string, string | string[] | undefined>;
  requestId?: string;
  /**
   * Who the call runs as: admission (model access, limits, budgets) applies to it and what the
   * call stores belongs to it. With an auth plugin loaded, a call without one is refused (401).
   */
  principal?: Principal;
  /** Aborts the call: an AbortSignal, or a route's `req.abort` (no AbortSignal made for it). */
  signal?: AbortLike;
  /** Endpoint recorded with the call (default: the operation's own, e.g. `/v1/chat/completions`). */
  endpoint?: string;
  /** Metadata recorded with the call, merged over the body's `metadata`. */
  metadata?: Record<string, unknown>;
  /** Session to attribute the call to (when the caller already knows it). */
  sessionId?: string;
  /** Plugin state the call starts with (`ctx.state`), e.g. what a route looked up before the call. */
  state?: Partial<GatewayState>;
}

/**
 * The result of a call: a completion, or a stream of chunks to iterate once (chat's by default).
 *
 * @example
 * ```ts
 * const out = await gateway.call({ body: { model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'hi' }] } });
 * if (out.type === 'stream') for await (const chunk of out.chunks) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
 * ```
 */
export type CallOutput<Res = ChatCompletion, Chunk = ChatChunk> =
  | { type: 'completion'; body: Res; ctx: CallContext }
  | { type: 'stream'; chunks: AsyncIterable<Chunk>; ctx: CallContext };
