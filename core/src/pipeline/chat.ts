/**
 * The chat pipeline: validate → preCall → transform → resolve deployment → provider →
 * postCall → respond, then cost and log observers after the response is sent.
 *
 * `model` in every completion and chunk is the name the client asked for (the upstream's own
 * is kept on the attempt). Streams: chunks are relayed as they arrive (the `chunk` hook runs only when tapped);
 * the gateway always asks upstream for usage, hides the usage chunk (and the `usage: null`
 * of the other chunks) from clients that did not ask for it, and runs `postCall`, `cost`
 * and `log` once on the aggregate after the last byte is written, so observers add no
 * latency per chunk.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import type { GatewayHooks } from '../hooks.js';
import type { ResolvingModelTable } from '../models/table.js';
import type { ProviderRegistry } from '../plugin-api.js';
import type { CallContext, ChatChunk, ChatCompletion, ChatRequest, Deployment, UpstreamAttempt } from '../types.js';
import { scrubError } from '../upstream/scrub.js';
import { checkChunk, checkCompletion, checkStreamEnd, invalidAnswer } from './check.js';
import { ChatRequestSchema } from '../validation/chat.js';
import { validate } from '../validation/issues.js';
import { ChunkAggregator } from './aggregate.js';
import type { Background } from './background.js';
import type { CallInput, CallOutput } from './call-types.js';
import { createCallContext, now } from './context.js';
import { chunksToCompletion, completionToChunks } from './convert.js';
import type { FinishCall } from './observers.js';

/** A stream whose first chunk has been read. */
interface FirstRead {
  it: AsyncIterator<ChatChunk>;
  first: ChatChunk;
}

/** The next chunk of an upstream stream (checked), or undefined at its end. */
async function nextChunk(it: AsyncIterator<ChatChunk>, provider: string): Promise<ChatChunk | undefined> {
  const r = await it.next();
  if (r.done) return undefined;
  checkChunk(r.value, provider);
  return r.value;
}

/** What the pipeline needs from the gateway. */
export interface PipelineDeps {
  hooks: GatewayHooks;
  providers: ProviderRegistry;
  models: ResolvingModelTable;
  background: Background;
  /** Settles finished calls (cost, record, log). */
  finish: FinishCall;
}

function modelNotFound(model: string): GatewayError {
  return new GatewayError('GW_ERR_MODEL_NOT_FOUND', `The model \`${model}\` does not exist or you do not have access to it.`, {
    param: 'model',
    publicCode: 'model_not_found',
  });
}

function clientClosed(): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', 'The client closed the connection before the response was complete.', {
    status: 499,
    publicCode: 'client_closed_request',
  });
}

/** Why an aborted call ended: the reason it was aborted with (e.g. a shutdown cut), else the client left. */
function abortedBy(signal: AbortSignal): GatewayError {
  return signal.reason instanceof GatewayError ? signal.reason : clientClosed();
}

/**
 * The body sent upstream: the deployment's model and defaults, usage always requested on
 * streams, and without the fields meant for the gateway (metadata and the session id forms of
 * core/src/session.ts: OpenAI rejects unknown fields).
 */
function upstreamRequest(request: ChatRequest, deployment: Deployment): ChatRequest {
  const { metadata: _metadata, litellm_metadata: _lm, session_id: _s, litellm_session_id: _ls, ...rest } = request;
  const out: ChatRequest = deployment.params ? { ...deployment.params, ...rest } : rest;
  out.model = deployment.model;
  if (request.stream === true && request.stream_options?.include_usage !== true) {
    out.stream_options = { ...request.stream_options, include_usage: true };
  }
  return out;
}

/**
 * Creates the pipeline's `call` function.
 *
 * @example
 * ```ts
 * const call = createChatPipeline({ hooks, providers, models, background, finish: createFinish(hooks, background) });
 * const out = await call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
 * ```
 */
export function createChatPipeline(deps: PipelineDeps): (input: CallInput) => Promise<CallOutput> {
  const { hooks, providers, models, background, finish } = deps;

  async function resolveDeployment(request: ChatRequest, ctx: CallContext): Promise<Deployment> {
    const chosen = hooks.resolveDeployment.isUsed() ? await hooks.resolveDeployment.promise(request, ctx) : undefined;
    const deployment = chosen ?? models.pick(request.model);
    if (!deployment) throw modelNotFound(request.model);
    return deployment;
  }

  /**
   * Reads a stream's first chunk before the response is committed: an upstream that fails
   * (or sends nothing) before its first chunk gets a real HTTP error status, not a 200 with
   * an error frame (a 429 the SDK can retry, say).
   */
  async function firstChunk(source: AsyncIterable<ChatChunk>, ctx: CallContext, attempt: UpstreamAttempt): Promise<FirstRead> {
    const it = source[Symbol.asyncIterator]();
    const provider = attempt.deployment.provider;
    try {
      const first = await it.next();
      if (first.done) throw invalidAnswer(provider, 'ended the stream before the answer was complete', 'upstream_stream_incomplete');
      checkChunk(first.value, provider);
      attempt.firstChunkAt = ctx.firstTokenAt = now();
      return { it, first: first.value };
    } catch (err) {
      await it.return?.()?.catch(() => undefined);
      throw err;
    }
  }

  async function* relay(read: FirstRead, request: ChatRequest, ctx: CallContext, attempt: UpstreamAttempt): AsyncGenerator<ChatChunk> {
    const { it } = read;
    const agg = new ChunkAggregator();
    const model = ctx.model!; // every chunk names the model the client asked for
    const clientWantsUsage = request.stream_options?.include_usage === true;
    const chunkHook = hooks.chunk.isUsed() ? hooks.chunk : undefined;
    let error: GatewayError | undefined;
    let completed = false;
    const provider = attempt.deployment.provider;
    let aggregate: ChatCompletion | undefined;
    let chunk: ChatChunk | undefined = read.first;
    try {
      while (chunk !== undefined) {
        if (agg.count === 0) attempt.model = chunk.model;
        chunk.model = model;
        agg.add(chunk);
        if (!clientWantsUsage && chunk.usage !== undefined) {
          // usage was asked for by the gateway, not the client: drop the usage chunk and the
          // `usage: null` OpenAI adds to every other chunk, as OpenAI would without it
          if (chunk.choices.length === 0 && chunk.usage) {
            chunk = await nextChunk(it, provider);
            continue;
          }
          chunk.usage = undefined;
        }
        yield chunkHook ? chunkHook.call(chunk, ctx) : chunk;
        chunk = await nextChunk(it, provider);
      }
      aggregate = agg.result();
      checkStreamEnd(aggregate, provider);
      completed = true;
    } catch (err) {
      // a client that hung up surfaces here as an abort from the upstream read: a 499
      error = ctx.signal.aborted && !(err instanceof GatewayError) ? abortedBy(ctx.signal) : scrubError(toGatewayError(err), attempt.deployment, ctx);
    } finally {
      if (!completed && !error) {
        // the consumer stopped early (client gone): end the upstream read, record in the background
        await it.return?.()?.catch(() => undefined);
        background.add(settle(clientClosed()));
      }
    }
    // the last bytes (`[DONE]` or the error frame) wait until the call is recorded
    await settle(error);
    if (error) throw error;

    async function settle(failure: GatewayError | undefined): Promise<void> {
      ctx.endedAt = attempt.endedAt = now();
      attempt.status = failure ? failure.status : 200;
      attempt.error = failure;
      ctx.usage = agg.usage;
      let response = (aggregate ??= agg.result());
      if (!failure && hooks.postCall.isUsed()) {
        // bytes are sent: a failing postCall tap cannot change the answer any more
        response = await hooks.postCall.promise(response, request, ctx).catch(() => response);
      }
      await finish(ctx, request, failure ? 'error' : 'ok', failure ? failure.status : 200, response, failure);
    }
  }

  async function* fromArray(chunks: ChatChunk[]): AsyncGenerator<ChatChunk> {
    yield* chunks;
  }

  return async function call(input: CallInput): Promise<CallOutput> {
    const ctx = createCallContext({
      requestId: input.requestId,
      operation: input.operation ?? 'chat',
      endpoint: input.endpoint ?? '/v1/chat/completions',
      headers: input.headers,
      signal: input.signal,
      principal: input.principal,
      sessionId: input.sessionId,
    });
    let request: ChatRequest | undefined;
    try {
      request = validate(ChatRequestSchema, input.body);
      ctx.model = request.model;
      ctx.stream = request.stream === true;
      if (request.metadata || input.metadata) ctx.metadata = { ...request.metadata, ...input.metadata };

      if (hooks.preCall.isUsed()) {
        let short = await hooks.preCall.promise(request, ctx);
        if (short !== undefined) {
          short = { ...short, model: ctx.model };
          ctx.usage = short.usage;
          await finish(ctx, request, 'short-circuit', 200, short);
          if (!ctx.stream) return { type: 'completion', body: short, ctx };
          return { type: 'stream', chunks: fromArray(completionToChunks(short, request.stream_options?.include_usage === true)), ctx };
        }
      }
      if (hooks.transform.isUsed()) request = await hooks.transform.promise(request, ctx);

      const deployment = await resolveDeployment(request, ctx);
      ctx.deployment = deployment;
      const provider = providers.get(deployment.provider);
      if (!provider) throw modelNotFound(request.model);

      const attempt: UpstreamAttempt = { deployment, startedAt: now() };
      ctx.attempts.push(attempt);
      let result;
      try {
        result = await provider.chat(upstreamRequest(request, deployment), { deployment, ctx, signal: ctx.signal });
      } catch (err) {
        // a client that hung up while upstream was working is a 499, not an internal error
        const e = ctx.signal.aborted && !(err instanceof GatewayError) ? abortedBy(ctx.signal) : scrubError(toGatewayError(err), deployment, ctx);
        attempt.endedAt = now();
        attempt.status = e.status;
        attempt.error = e;
        throw e;
      }
      attempt.upstreamRequestId = result.upstreamRequestId;

      if (result.type === 'stream' && ctx.stream) {
        let read: FirstRead;
        try {
          read = await firstChunk(result.chunks, ctx, attempt);
        } catch (err) {
          const e = ctx.signal.aborted && !(err instanceof GatewayError) ? abortedBy(ctx.signal) : scrubError(toGatewayError(err), deployment, ctx);
          attempt.endedAt = now();
          attempt.status = e.status;
          attempt.error = e;
          throw e;
        }
        return { type: 'stream', chunks: relay(read, request, ctx, attempt), ctx };
      }
      let body: ChatCompletion;
      try {
        if (result.type === 'completion') checkCompletion(result.body, deployment.provider);
        if (result.type === 'completion') body = result.body;
        else checkStreamEnd((body = await chunksToCompletion(result.chunks)), deployment.provider);
      } catch (err) {
        const e = scrubError(toGatewayError(err), deployment, ctx);
        attempt.endedAt = now();
        attempt.status = e.status;
        attempt.error = e;
        throw e;
      }
      attempt.endedAt = attempt.firstChunkAt = ctx.firstTokenAt = now();
      attempt.model = body.model;
      body.model = ctx.model;
      attempt.status = 200;
      ctx.usage = body.usage;
      if (hooks.postCall.isUsed()) body = await hooks.postCall.promise(body, request, ctx);
      await finish(ctx, request, 'ok', 200, body);
      if (!ctx.stream) return { type: 'completion', body, ctx };
      return { type: 'stream', chunks: fromArray(completionToChunks(body, request.stream_options?.include_usage === true)), ctx };
    } catch (err) {
      const e = toGatewayError(err);
      await finish(ctx, request, 'error', e.status, undefined, e);
      throw e;
    }
  };
}
