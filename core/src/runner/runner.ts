/**
 * The call runner: every operation (chat, embeddings, the Responses API, and what plugins
 * register) goes through it, so each gets the same hooks, routing, attempts, records, logs
 * and cost. validate → preCall → transform → candidates and attempts (router, retries,
 * fallbacks) → provider → postCall → `cost` + `record` before the last bytes → respond → `log`.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import { tapped, type GatewayHooks } from '../hooks.js';
import type { ResolvingModelTable } from '../models/table.js';
import type { ProviderRegistry } from '../gateway-api.js';
import type { Router } from '../types/index.js';
import type { CallContext, CallRequest, CallResponse } from '../types/index.js';
import { serve } from './attempts.js';
import type { Background } from './background.js';
import type { CallInput, CallOutput } from './call-types.js';
import type { OperationCodec } from './codec.js';
import { createCallContext } from './context.js';
import type { FinishCall } from './observers.js';
import { callOptions } from './options.js';
import { forgetEncodedJson } from './json-text.js';
import { relay } from './relay.js';
import type { RetryPolicy } from './retry-policy.js';

/** What the runner needs from the gateway. */
export interface RunnerDeps {
  hooks: GatewayHooks;
  providers: ProviderRegistry;
  models: ResolvingModelTable;
  router: Router;
  policy: RetryPolicy;
  finish: FinishCall;
  background: Background;
}

/**
 * What a run produced (`gateway.run(codec, input)`): a whole answer, or a stream to iterate once.
 *
 * @example
 * ```ts
 * const out: RunOutput<EmbeddingsResponse, never> = await gateway.run(embeddingsCodec, { body: req.body, principal: req.principal });
 * return { headers: out.ctx.responseHeaders, body: out.type === 'completion' ? out.body : undefined };
 * ```
 */
export type RunOutput<Res, Chunk> = CallOutput<Res, Chunk>;

/** Runs one call of an operation. */
export type RunCall = <Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>, input: CallInput) => Promise<RunOutput<Res, Chunk>>;

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * Creates the runner.
 *
 * @example
 * ```ts
 * const run = createRunner({ hooks, providers, models, router, policy: retryPolicy(config.router), finish, background });
 * const out = await run(chatCodec, { body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
 * ```
 */
export function createRunner(deps: RunnerDeps): RunCall {
  const { hooks, finish } = deps;
  return async function run<Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>, input: CallInput): Promise<RunOutput<Res, Chunk>> {
    const ctx = createCallContext({
      requestId: input.requestId,
      operation: codec.operation,
      endpoint: input.endpoint ?? codec.endpoint,
      headers: input.headers,
      signal: input.signal,
      principal: input.principal,
      sessionId: input.sessionId,
      state: input.state,
    });
    let request: Req | undefined;
    try {
      request = codec.validate(input.body);
      ctx.model = request.model;
      ctx.stream = codec.streams(request);
      if (request.metadata || input.metadata) ctx.metadata = { ...request.metadata, ...input.metadata };
      const options = callOptions(request, ctx);

      if (tapped(hooks.preCall)) {
        const short = (await hooks.preCall.promise(request, ctx)) as Res | undefined;
        if (short !== undefined) {
          const body = codec.presentResponse({ ...short }, request, ctx);
          ctx.usage = codec.usageOf(body);
          await finish(ctx, request, 'short-circuit', 200, body);
          return answer(codec, body, request, ctx);
        }
      }
      if (tapped(hooks.transform)) request = (await hooks.transform.promise(request, ctx)) as Req;

      const served = await serve(deps, codec, request, ctx, options);
      if (served.type === 'stream') return { type: 'stream', chunks: relay(deps, codec, served, request, ctx), ctx };
      let body = codec.presentResponse(served.body, request, ctx);
      ctx.usage = codec.usageOf(body);
      if (tapped(hooks.postCall)) {
        forgetEncodedJson(body); // a hook may change it: serialise what it returns
        body = (await hooks.postCall.promise(body, request, ctx)) as Res;
      }
      const recorded = finish(ctx, request, 'ok', 200, body);
      if (recorded) await recorded;
      return answer(codec, body, request, ctx);
    } catch (err) {
      const e = toGatewayError(err);
      await finish(ctx, request, 'error', e.status, undefined, e);
      throw e;
    }
  };
}

/** A whole answer as the client asked for it: as is, or as a stream when it asked for one. */
function answer<Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>, body: Res, request: Req, ctx: CallContext): RunOutput<Res, Chunk> {
  if (!ctx.stream) return { type: 'completion', body, ctx };
  if (!codec.toChunks) throw new GatewayError('GW_ERR_INTERNAL', `the ${codec.operation} codec cannot stream a whole answer`);
  return { type: 'stream', chunks: fromArray(codec.toChunks(body, request)), ctx };
}
