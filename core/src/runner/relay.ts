/**
 * Relaying a served stream to the client: each chunk checked, aggregated and presented as it
 * arrives (the `chunk` hook only when tapped, chat streams only), then, once the upstream
 * ended, the call is settled (`postCall` on the aggregate, `cost`, `record`) before the
 * stream's last bytes: a held terminal event, or the `[DONE]` the route writes after the
 * relay ends. An upstream failure mid-stream ends the relay with the error (the route sends
 * it as an error frame); a client that hung up is settled in the background.
 */
import type { GatewayError } from '../errors.js';
import { tapped, type GatewayHooks } from '../hooks.js';
import type { Router } from '../types/index.js';
import type { CallContext, CallRequest, CallResponse, ChatChunk } from '../types/index.js';
import { attemptError, clientClosed, type Served } from './attempts.js';
import type { Background } from './background.js';
import type { OperationCodec } from './codec.js';
import { now } from './context.js';
import type { FinishCall } from './observers.js';

/** What relaying needs from the gateway. */
export interface RelayDeps {
  hooks: GatewayHooks;
  router: Router;
  finish: FinishCall;
  background: Background;
}

/**
 * The client's view of a served stream.
 *
 * @example
 * ```ts
 * return { type: 'stream', chunks: relay(deps, codec, served, request, ctx), ctx };
 * ```
 */
export async function* relay<Req extends CallRequest, Res extends CallResponse, Chunk>(
  deps: RelayDeps,
  codec: OperationCodec<Req, Res, Chunk>,
  served: Extract<Served<Res, Chunk>, { type: 'stream' }>,
  request: Req,
  ctx: CallContext,
): AsyncGenerator<Chunk> {
  const { hooks, router, finish, background } = deps;
  const { attempt, rest } = served;
  const d = attempt.deployment;
  const agg = codec.aggregate();
  const chunkHook = ctx.operation === 'chat' && tapped(hooks.chunk) ? hooks.chunk : undefined;
  let chunk: Chunk | undefined = served.first;
  let held: Chunk | undefined;
  let error: GatewayError | undefined;
  let completed = false;
  try {
    while (chunk !== undefined) {
      agg.add(chunk);
      const out = codec.presentChunk(chunk, request, ctx);
      if (out !== undefined) {
        if (codec.isTerminal?.(out)) held = out;
        else yield chunkHook ? (chunkHook.call(out as ChatChunk, ctx) as Chunk) : out;
      }
      const next: IteratorResult<Chunk> = await rest.next();
      if (next.done) break;
      codec.checkChunk(next.value, d.provider);
      chunk = next.value;
    }
    agg.checkEnd(d.provider);
    completed = true;
  } catch (err) {
    error = attemptError(err, ctx.abort, d, ctx);
  } finally {
    if (!completed && !error) {
      // the consumer stopped early (client gone): end the upstream read, record in the background
      await rest.return?.()?.catch(() => undefined);
      background.add(settle(clientClosed()));
    }
  }
  // the stream's last bytes (the terminal event, `[DONE]` or the error frame) wait for the record
  await settle(error);
  if (error) throw error;
  if (held !== undefined) yield held;

  async function settle(failure: GatewayError | undefined): Promise<void> {
    served.release();
    ctx.endedAt = attempt.endedAt = now();
    attempt.status = failure ? failure.status : 200;
    attempt.error = failure;
    ctx.usage = agg.usage();
    router.end(d, {
      ok: !failure,
      latencyMs: attempt.endedAt - attempt.startedAt,
      ttftMs: attempt.firstChunkAt === undefined ? undefined : attempt.firstChunkAt - attempt.startedAt,
      tokens: ctx.usage?.total_tokens,
    });
    let response = codec.presentResponse(agg.result(), request, ctx);
    if (!failure && tapped(hooks.postCall)) {
      // bytes are sent: a failing postCall tap cannot change the answer any more
      const aggregate = response;
      response = (await hooks.postCall.promise(aggregate, request, ctx).catch(() => aggregate)) as Res;
    }
    await finish(ctx, request, failure ? 'error' : 'ok', failure ? failure.status : 200, response, failure);
  }
}
