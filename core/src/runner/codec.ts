/**
 * An operation codec says what differs per operation (chat completions, embeddings, the
 * Responses API natively or bridged, ...): how the body is validated, what a provider is
 * asked and how, what a valid answer and stream look like, and how usage is read. The call
 * runner does everything else the same way for every operation: hooks, routing, attempts,
 * recording, logs and cost.
 */
import type { Usage, CallRequest, CallResponse, CallContext, Deployment, ProviderAdapter, ProviderCall } from '../types/index.js';

/**
 * What a provider returned for one attempt: what a codec's `send` resolves with.
 *
 * @example
 * ```ts
 * async function send(adapter: ProviderAdapter, request: EmbeddingsRequest, call: ProviderCall): Promise<OperationResult<EmbeddingsResponse, never>> {
 *   const { body, upstreamRequestId } = await adapter.embeddings!(request, call);
 *   return { type: 'completion', body, upstreamRequestId };
 * }
 * ```
 */
export type OperationResult<Res, Chunk> =
  | { type: 'completion'; body: Res; upstreamRequestId?: string }
  | { type: 'stream'; chunks: AsyncIterable<Chunk>; upstreamRequestId?: string };

/**
 * Folds a stream into the answer it amounts to: what a codec's `aggregate()` returns.
 *
 * @example
 * ```ts
 * const agg = codec.aggregate();
 * for await (const chunk of chunks) agg.add(chunk);
 * agg.checkEnd('openai'); // a 502 if the stream was cut short
 * const answer = agg.result();
 * ```
 */
export interface StreamAggregate<Chunk, Res> {
  add(chunk: Chunk): void;
  /** The answer so far (the whole answer once the stream ended). */
  result(): Res;
  /** The usage the stream reported, if any. */
  usage(): Usage | undefined;
  /** Throws (a 502) when the ended stream is not a complete answer (cut short, no final event). */
  checkEnd(provider: string): void;
}

/**
 * One operation's codec.
 *
 * @example
 * ```ts
 * const out = await runner.run(chatCodec, { body });
 * ```
 */
export interface OperationCodec<Req extends CallRequest = CallRequest, Res extends CallResponse = CallResponse, Chunk = unknown> {
  /** The operation's name (`ctx.operation`), e.g. `chat`, `embeddings`, `responses`. */
  readonly operation: string;
  /** The endpoint recorded with the call unless the caller names one. */
  readonly endpoint: string;
  /** Validates a client body (400 with `param` on failure). */
  validate(body: unknown): Req;
  /** Whether the client asked for a stream. */
  streams(request: Req): boolean;
  /** Whether a provider can serve this operation at all (others are skipped as candidates). */
  supports(adapter: ProviderAdapter): boolean;
  /** The body sent to deployment `d`: its model, its defaults, no gateway-only fields. */
  prepare(request: Req, d: Deployment, ctx: CallContext): Req | Promise<Req>;
  /** Sends one attempt. */
  send(adapter: ProviderAdapter, request: Req, call: ProviderCall): Promise<OperationResult<Res, Chunk>>;
  /** Throws (a 502) unless `body` is a valid answer. */
  checkResponse(body: unknown, provider: string): asserts body is Res;
  /** Throws (a 502) unless `chunk` is a valid stream event. */
  checkChunk(chunk: unknown, provider: string): asserts chunk is Chunk;
  /** The usage of an answer (chat-shaped, what cost and logs read). */
  usageOf(response: Res): Usage | undefined;
  /** A fresh stream aggregate. */
  aggregate(): StreamAggregate<Chunk, Res>;
  /** The answer as the client gets it (e.g. `model` = the name the client asked for). */
  presentResponse(response: Res, request: Req, ctx: CallContext): Res;
  /** A chunk as the client gets it; undefined drops it (a usage chunk the client did not ask for). */
  presentChunk(chunk: Chunk, request: Req, ctx: CallContext): Chunk | undefined;
  /** Whether `chunk` ends the stream (sent only after the call is recorded). Chat streams end after their chunks (`[DONE]`). */
  isTerminal?(chunk: Chunk): boolean;
  /** A whole answer as a stream (a short-circuit or a non-streaming provider answering a stream request). */
  toChunks?(response: Res, request: Req): Chunk[];
}
