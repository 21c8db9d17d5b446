/**
 * The chat pipeline: validate → preCall → transform → resolve deployment → provider →
 * postCall → respond, then cost and log observers after the response is sent.
 *
 * Streams: chunks are relayed as they arrive (the `chunk` hook runs only when tapped);
 * the gateway always asks upstream for usage, hides the usage chunk (and the `usage: null`
 * of the other chunks) from clients that did not ask for it, and runs `postCall`, `cost`
 * and `log` once on the aggregate after the last byte is written, so observers add no
 * latency per chunk.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import type { GatewayHooks } from '../hooks.js';
import type { ResolvingModelTable } from '../models/table.js';
import type { ProviderRegistry } from '../plugin-api.js';
import type { CallContext, ChatChunk, ChatRequest, Deployment, UpstreamAttempt } from '../types.js';
import { ChatRequestSchema } from '../validation/chat.js';
import { validate } from '../validation/issues.js';
import { ChunkAggregator } from './aggregate.js';
import type { Background } from './background.js';
import type { CallInput, CallOutput } from './call-types.js';
import { createCallContext, now } from './context.js';
import { chunksToCompletion, completionToChunks } from './convert.js';
import { createFinish } from './observers.js';

/** What the pipeline needs from the gateway. */
export interface PipelineDeps {
  hooks: GatewayHooks;
  providers: ProviderRegistry;
  models: ResolvingModelTable;
  background: Background;
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

/** The body sent upstream: the deployment's model and defaults, usage always requested on streams. */
function upstreamRequest(request: ChatRequest, deployment: Deployment): ChatRequest {
  const { metadata: _metadata, ...rest } = request;
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
 * const call = createChatPipeline({ hooks, providers, models, background });
 * const out = await call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
 * ```
 */
export function createChatPipeline(deps: PipelineDeps): (input: CallInput) => Promise<CallOutput> {
  const { hooks, providers, models, background } = deps;
  const finish = createFinish(hooks, background);

  async function resolveDeployment(request: ChatRequest, ctx: CallContext): Promise<Deployment> {
    const chosen = hooks.resolveDeployment.isUsed() ? await hooks.resolveDeployment.promise(request, ctx) : undefined;
    const deployment = chosen ?? models.pick(request.model);
    if (!deployment) throw modelNotFound(request.model);
    return deployment;
  }

  async function* relay(
    source: AsyncIterable<ChatChunk>,
    request: ChatRequest,
    ctx: CallContext,
    attempt: UpstreamAttempt,
  ): AsyncGenerator<ChatChunk> {
    const agg = new ChunkAggregator();
    const clientWantsUsage = request.stream_options?.include_usage === true;
    const chunkHook = hooks.chunk.isUsed() ? hooks.chunk : undefined;
    let error: GatewayError | undefined;
    let completed = false;
    try {
      for await (const chunk of source) {
        if (agg.count === 0) attempt.firstChunkAt = ctx.firstTokenAt = now();
        agg.add(chunk);
        if (!clientWantsUsage && chunk.usage !== undefined) {
          // usage was asked for by the gateway, not the client: drop the usage chunk and the
          // `usage: null` OpenAI adds to every other chunk, as OpenAI would without it
          if (chunk.choices.length === 0 && chunk.usage) continue;
          chunk.usage = undefined;
        }
        yield chunkHook ? chunkHook.call(chunk, ctx) : chunk;
      }
      completed = true;
    } catch (err) {
      // the upstream read aborted because the client hung up: a 499, as before the first chunk
      error = ctx.signal.aborted && !(err instanceof GatewayError) ? clientClosed() : toGatewayError(err);
      throw error;
    } finally {
      ctx.endedAt = attempt.endedAt = now();
      if (!completed && !error) error = clientClosed();
      attempt.status = error ? error.status : 200;
      attempt.error = error;
      ctx.usage = agg.usage;
      const aggregate = agg.result();
      const failure = error;
      background.add(
        (async () => {
          let response = aggregate;
          if (!failure && hooks.postCall.isUsed()) response = await hooks.postCall.promise(aggregate, request, ctx);
          finish(ctx, request, failure ? 'error' : 'ok', failure ? failure.status : 200, response, failure);
        })(),
      );
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
        const short = await hooks.preCall.promise(request, ctx);
        if (short !== undefined) {
          ctx.usage = short.usage;
          finish(ctx, request, 'short-circuit', 200, short);
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
        const e = ctx.signal.aborted && !(err instanceof GatewayError) ? clientClosed() : toGatewayError(err);
        attempt.endedAt = now();
        attempt.status = e.status;
        attempt.error = e;
        throw e;
      }
      attempt.upstreamRequestId = result.upstreamRequestId;

      if (result.type === 'stream' && ctx.stream) {
        return { type: 'stream', chunks: relay(result.chunks, request, ctx, attempt), ctx };
      }
      let body = result.type === 'completion' ? result.body : await chunksToCompletion(result.chunks);
      attempt.endedAt = attempt.firstChunkAt = ctx.firstTokenAt = now();
      attempt.status = 200;
      ctx.usage = body.usage;
      if (hooks.postCall.isUsed()) body = await hooks.postCall.promise(body, request, ctx);
      finish(ctx, request, 'ok', 200, body);
      if (!ctx.stream) return { type: 'completion', body, ctx };
      return { type: 'stream', chunks: fromArray(completionToChunks(body, request.stream_options?.include_usage === true)), ctx };
    } catch (err) {
      const e = toGatewayError(err);
      finish(ctx, request, 'error', e.status, undefined, e);
      throw e;
    }
  };
}
