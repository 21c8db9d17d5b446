/**
 * The attempt loop of a call: the model's deployments in the router's order (then the
 * `candidates` hook's), one attempt after another on retryable failures (with backoff and
 * jitter on the same deployment, honouring `retry-after`), then the model's fallbacks, or its
 * context-window fallbacks when the upstream said the prompt is too long. A stream counts as
 * served once its first chunk arrived; nothing is retried after that.
 */
import { GatewayError, toGatewayError } from '../errors.js';
import { tapped, type GatewayHooks } from '../hooks.js';
import type { ResolvingModelTable } from '../models/table.js';
import type { ProviderRegistry } from '../gateway-api.js';
import { isContextWindowError, isRetryable, retryAfterMs } from './failures.js';
import type { Router } from '../types/index.js';
import type { CallContext, CallRequest, CallResponse, Deployment, ProviderCall, UpstreamAttempt } from '../types/index.js';
import { realSignal, type AbortLike } from './abort.js';
import { scrubError } from './scrub.js';
import type { OperationCodec } from './codec.js';
import type { RetryPolicy } from './retry-policy.js';
import { now } from './context.js';
import type { CallOptions } from './options.js';

/** What serving a call produced: a whole answer, or a stream whose first chunk is read. */
export type Served<Res, Chunk> =
  | { type: 'completion'; body: Res; attempt: UpstreamAttempt }
  | { type: 'stream'; first: Chunk; rest: AsyncIterator<Chunk>; attempt: UpstreamAttempt; release: () => void };

/** What the attempt loop needs from the gateway. */
export interface AttemptDeps {
  hooks: GatewayHooks;
  providers: ProviderRegistry;
  models: ResolvingModelTable;
  router: Router;
  /** Retries, fallbacks and timeouts (the `router:` config, the runner's part). */
  policy: RetryPolicy;
}

/**
 * The error a client that hung up (or a gateway that cut the call, or a timeout) gets
 * instead of the abort: the signal's reason when it is a gateway error, else a 499.
 */
export function abortedBy(signal: AbortLike): GatewayError {
  return signal.reason instanceof GatewayError ? signal.reason : clientClosed();
}

/** The 499 a call ends with when its client hung up. */
export function clientClosed(): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', 'The client closed the connection before the response was complete.', {
    status: 499,
    publicCode: 'client_closed_request',
  });
}

/** A failure of an attempt as the gateway reports it: aborts named by their reason, secrets scrubbed. */
export function attemptError(err: unknown, signal: AbortLike, d: Deployment, ctx: CallContext): GatewayError {
  if (signal.aborted && !(err instanceof GatewayError)) return abortedBy(signal);
  return scrubError(toGatewayError(err), d, ctx);
}

function modelNotFound(model: string): GatewayError {
  return new GatewayError('GW_ERR_MODEL_NOT_FOUND', `The model \`${model}\` does not exist or you do not have access to it.`, {
    param: 'model',
    publicCode: 'model_not_found',
  });
}

function unsupported(model: string, endpoint: string): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', `The model \`${model}\` does not support ${endpoint}.`, { param: 'model', publicCode: 'model_not_supported' });
}

function noDeployment(model: string): GatewayError {
  return new GatewayError('GW_ERR_OVERLOADED', `No deployment of \`${model}\` can take this request now (every one was filtered out by the deployment checks).`, {
    publicCode: 'no_deployment_available',
    expose: true,
  });
}

const sleep = (ms: number, signal: AbortLike) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Exponential backoff with full jitter: 0..min(base·2^n, cap). */
const backoff = (n: number) => Math.random() * Math.min(250 * 2 ** n, 8_000);

/** A per-attempt signal that also aborts after `ms` with a 504 (none when no timeout applies: the call's own signal serves). */
function attemptSignal(ctx: CallContext, ms: number | undefined): { signal: AbortSignal; stopTimer(): void; release(): void } | undefined {
  if (!ms) return undefined;
  const ac = new AbortController();
  const follow = () => ac.abort(ctx.abort.reason);
  if (ctx.abort.aborted) follow();
  else ctx.abort.addEventListener('abort', follow, { once: true });
  const timer = setTimeout(
    () => ac.abort(new GatewayError('GW_ERR_PROVIDER_TIMEOUT', `The upstream did not answer within ${ms} ms.`, { publicCode: 'upstream_timeout', expose: true })),
    ms,
  );
  const stopTimer = () => clearTimeout(timer);
  return { signal: ac.signal, stopTimer, release: () => (stopTimer(), ctx.abort.removeEventListener('abort', follow)) };
}
const noop = (): void => {};

/** What a provider gets for one attempt: a class so that `signal` is a prototype getter, made only if the provider reads it. */
class Call implements ProviderCall {
  constructor(
    readonly deployment: Deployment,
    readonly ctx: CallContext,
    readonly abort: AbortLike,
  ) {}

  get signal(): AbortSignal {
    return realSignal(this.abort);
  }
}
const providerCall = (deployment: Deployment, ctx: CallContext, abort: AbortLike): ProviderCall => new Call(deployment, ctx, abort);

/**
 * Serves `request` through the attempt loop.
 *
 * @example
 * ```ts
 * const served = await serve(deps, chatCodec, request, ctx, options);
 * ```
 */
export async function serve<Req extends CallRequest, Res extends CallResponse, Chunk>(
  deps: AttemptDeps,
  codec: OperationCodec<Req, Res, Chunk>,
  request: Req,
  ctx: CallContext,
  options: CallOptions,
): Promise<Served<Res, Chunk>> {
  const { router, models, providers, hooks } = deps;
  const cfg = deps.policy;
  const groups = [request.model];
  let fallbacks = 0;
  let lastError: GatewayError | undefined;
  const retries = options.retries ?? cfg.retries;
  const serves = (d: Deployment) => {
    const adapter = providers.get(d.provider);
    return adapter !== undefined && codec.supports(adapter);
  };
  for (let g = 0; g < groups.length; g++) {
    const name = groups[g]!;
    const listed = models.lookup(name);
    const all = listed.every(serves) ? listed : listed.filter(serves); // no copy in the usual case
    if (all.length === 0) {
      const refused = listed.length > 0 ? unsupported(name, codec.endpoint) : modelNotFound(name);
      if (g === 0) throw refused;
      lastError ??= refused;
      continue;
    }
    let order = router.order(all, ctx.stream);
    if (tapped(hooks.candidates)) order = await hooks.candidates.promise(order, request, ctx);
    if (order.length === 0) {
      lastError = noDeployment(name);
      addFallbacks(groups, cfg.fallbacks?.[request.model] ?? cfg.defaultFallbacks);
      continue;
    }
    if (g > 0) fallbacks++;
    let previous: Deployment | undefined;
    let contextTooLong = false;
    for (let i = 0; i <= retries; i++) {
      const d = order[i % order.length]!;
      if (previous === d && lastError) {
        // the same deployment again: wait as it asked, or back off
        const wait = retryAfterMs(lastError) ?? backoff(i - 1);
        if (wait > cfg.maxRetryAfterMs) break;
        await sleep(wait, ctx.abort);
        if (ctx.abort.aborted) throw abortedBy(ctx.abort);
      }
      previous = d;
      try {
        const served = await once(codec, providers.get(d.provider)!, request, d, ctx, options, router, cfg.streamTimeoutMs);
        ctx.deployment = d;
        ctx.responseHeaders['x-switchyard-deployment'] = d.id;
        ctx.responseHeaders['x-switchyard-attempts'] = String(ctx.attempts.length);
        if (fallbacks > 0) ctx.responseHeaders['x-switchyard-fallbacks'] = String(fallbacks);
        return served;
      } catch (err) {
        const e = err as GatewayError;
        lastError = e;
        if (ctx.abort.aborted) throw e;
        if (isContextWindowError(e)) {
          contextTooLong = true;
          break;
        }
        if (!isRetryable(e)) throw e;
        router.failed(d, e, all.length);
      }
    }
    if (contextTooLong) {
      const more = cfg.contextWindowFallbacks?.[name] ?? cfg.contextWindowFallbacks?.[request.model];
      if (!more?.length) throw lastError!;
      addFallbacks(groups, more);
    } else {
      addFallbacks(groups, cfg.fallbacks?.[name] ?? (g === 0 ? cfg.defaultFallbacks : undefined));
    }
  }
  throw lastError ?? modelNotFound(request.model);
}

/** Appends the model groups not tried yet (a handful at most: a list beats a set). */
function addFallbacks(groups: string[], more: readonly string[] | undefined): void {
  if (more) for (const m of more) if (!groups.includes(m)) groups.push(m);
}

/** One attempt on one deployment: a whole answer, or a stream up to its first chunk. */
async function once<Req extends CallRequest, Res extends CallResponse, Chunk>(
  codec: OperationCodec<Req, Res, Chunk>,
  adapter: NonNullable<ReturnType<ProviderRegistry['get']>>,
  request: Req,
  d: Deployment,
  ctx: CallContext,
  options: CallOptions,
  router: Router,
  streamTimeoutMs: number | undefined,
): Promise<Served<Res, Chunk>> {
  const attempt: UpstreamAttempt = { deployment: d, startedAt: now() };
  ctx.attempts.push(attempt);
  const timeout = ctx.stream ? (options.streamTimeoutMs ?? options.timeoutMs ?? streamTimeoutMs) : options.timeoutMs;
  const sig = attemptSignal(ctx, timeout);
  const signal = sig ? sig.signal : ctx.abort;
  router.begin(d);
  let result;
  try {
    const body = await codec.prepare(request, d, ctx);
    result = await codec.send(adapter, body, providerCall(d, ctx, signal));
  } catch (err) {
    return failed(err, sig, signal, attempt, ctx, router);
  }
  attempt.upstreamRequestId = result.upstreamRequestId;
  const provider = d.provider;
  if (result.type === 'completion' || !ctx.stream) {
    let body: Res;
    try {
      if (result.type === 'completion') {
        codec.checkResponse(result.body, provider);
        body = result.body;
      } else {
        body = await collect(codec, result.chunks, provider);
      }
    } catch (err) {
      return failed(err, sig, signal, attempt, ctx, router);
    }
    sig?.release();
    attempt.endedAt = attempt.firstChunkAt = ctx.firstTokenAt = now();
    attempt.status = 200;
    const usage = codec.usageOf(body);
    router.end(d, { ok: true, latencyMs: attempt.endedAt - attempt.startedAt, tokens: usage?.total_tokens });
    return { type: 'completion', body, attempt };
  }
  // a stream: its status is committed only once the first chunk is here, so an upstream
  // that fails first (a 429, say) gets its real status and can still be retried elsewhere
  const it = result.chunks[Symbol.asyncIterator]();
  try {
    const first = await it.next();
    if (first.done) throw new GatewayError('GW_ERR_PROVIDER_UPSTREAM', `The ${provider} upstream ended the stream before the answer was complete.`, { publicCode: 'upstream_stream_incomplete', expose: true });
    codec.checkChunk(first.value, provider);
    sig?.stopTimer(); // the first chunk is here: idle timeouts take over
    attempt.firstChunkAt = ctx.firstTokenAt = now();
    return { type: 'stream', first: first.value, rest: it, attempt, release: sig ? sig.release : noop };
  } catch (err) {
    await it.return?.()?.catch(() => undefined);
    return failed(err, sig, signal, attempt, ctx, router);
  }
}

/** Ends a failed attempt (timer, record, router) and throws its error. */
function failed(err: unknown, sig: ReturnType<typeof attemptSignal>, signal: AbortLike, attempt: UpstreamAttempt, ctx: CallContext, router: Router): never {
  sig?.release();
  const d = attempt.deployment;
  const e = attemptError(err, signal, d, ctx);
  attempt.endedAt = now();
  attempt.status = e.status;
  attempt.error = e;
  router.end(d, { ok: false, latencyMs: attempt.endedAt - attempt.startedAt });
  throw e;
}

/** A stream read whole into one answer (a provider that streamed to a non-streaming request). */
async function collect<Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>, chunks: AsyncIterable<Chunk>, provider: string): Promise<Res> {
  const agg = codec.aggregate();
  for await (const chunk of chunks) {
    codec.checkChunk(chunk, provider);
    agg.add(chunk);
  }
  agg.checkEnd(provider);
  return agg.result();
}
