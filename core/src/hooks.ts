/**
 * THE hook table. Every extension point of the gateway is declared here, once, typed,
 * with its contract. Plugins tap these hooks; only the core calls them.
 *
 * | hook | kind | contract |
 * |---|---|---|
 * | authenticate | async series bail | headers → Principal; throw 401/403 to reject; undefined = anonymous |
 * | preCall | async series bail | request → answer to short-circuit, undefined to continue; throw to reject |
 * | transform | async series waterfall | request → request sent upstream (return the new value) |
 * | candidates | async series waterfall | ordered deployments → the ones to try, in order (deployment checks) |
 * | chunk | sync waterfall | streamed chat chunk → chunk sent to the client (sync: no await per chunk) |
 * | postCall | async series waterfall | answer → answer; on streams runs once at the end on the aggregate |
 * | cost | async parallel | CostEvent of a finished call: price it (sets ctx.cost); failures are isolated |
 * | record | async parallel | CallEvent before the response's last bytes: durable records (call log, spend); awaited, bounded |
 * | log | async parallel | CallEvent after the response is sent; failures are isolated |
 * | routes | sync | add HTTP routes, once at build |
 * | ready / close | async series | start-up after plugins are applied / shutdown after in-flight calls drained |
 */
import tapable from 'tapable';
import type {
  AsyncParallelHook as AsyncParallelHookT,
  AsyncSeriesBailHook as AsyncSeriesBailHookT,
  AsyncSeriesHook as AsyncSeriesHookT,
  AsyncSeriesWaterfallHook as AsyncSeriesWaterfallHookT,
  SyncHook as SyncHookT,
  SyncWaterfallHook as SyncWaterfallHookT,
} from 'tapable';
import type { CallContext, CallEvent, CallRequest, CallResponse, ChatChunk, CostEvent, Deployment, Principal } from './types.js';
import type { RouteRegistrar } from './http/routes-api.js';
import type { AuthRequest } from './http/auth.js';

const { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncHook, SyncWaterfallHook } =
  tapable;

/** The gateway as `ready` and `close` taps see it. */
export interface GatewayLifecycle {
  /** Resolved public settings of the gateway. */
  readonly models: readonly Deployment[];
}

/**
 * Creates the hook table. Called once per gateway.
 *
 * @example
 * ```ts
 * const hooks = createHooks();
 * hooks.transform.tapPromise('my-plugin', async (request) => ({ ...request, temperature: 0 }));
 * ```
 */
export function createHooks() {
  return Object.freeze({
    /** Bail: return the caller's Principal; throw a 401/403 GatewayError to reject; undefined = anonymous. */
    authenticate: new AsyncSeriesBailHook<[AuthRequest], Principal | undefined>(['request']),
    /**
     * Bail: return an answer (a chat completion for chat calls) to answer without a provider;
     * undefined continues; throw to reject. Runs for every operation: check `ctx.operation`.
     */
    preCall: new AsyncSeriesBailHook<[CallRequest, CallContext], CallResponse | undefined>(['request', 'ctx']),
    /** Waterfall: each tap returns the (new) request that goes upstream. Never mutate the input. */
    transform: new AsyncSeriesWaterfallHook<[CallRequest, CallContext]>(['request', 'ctx']),
    /**
     * Waterfall: the deployments a call will try, in order (the router's strategy ordered them
     * and left out those cooling down). Return the list filtered or reordered (deployment
     * checks: affinity, context window, rate limits); an empty list fails over to fallbacks.
     */
    candidates: new AsyncSeriesWaterfallHook<[Deployment[], CallRequest, CallContext]>(['deployments', 'request', 'ctx']),
    /** Sync waterfall: each streamed chat chunk before it is sent. Only called when tapped. */
    chunk: new SyncWaterfallHook<[ChatChunk, CallContext]>(['chunk', 'ctx']),
    /** Waterfall: the answer before it is sent; for streams, the aggregate at stream end (read-only then). */
    postCall: new AsyncSeriesWaterfallHook<[CallResponse, CallRequest, CallContext]>(['response', 'request', 'ctx']),
    /** Parallel observer: usage of every finished call that reported usage (pricing). Runs first; a throwing tap is isolated. */
    cost: new AsyncParallelHook<[CostEvent]>(['event']),
    /**
     * Parallel recorder: every finished call, after `cost` and before the response's last bytes
     * (the body, a stream's `[DONE]`), which wait for it (bounded by `server.recordTimeoutMs`):
     * a call the client saw succeed is durably recorded. Taps only enqueue store writes and
     * return their commit. A throwing tap is isolated.
     */
    record: new AsyncParallelHook<[CallEvent]>(['event']),
    /** Parallel observer: every finished call, after the response is sent. A throwing tap is isolated. */
    log: new AsyncParallelHook<[CallEvent]>(['event']),
    /** Sync: add HTTP routes. Called once when the server is built. */
    routes: new SyncHook<[RouteRegistrar]>(['routes']),
    /** Series: after every plugin is applied, before the gateway serves. Throw to stop boot. */
    ready: new AsyncSeriesHook<[GatewayLifecycle]>(['gateway']),
    /** Series: at shutdown, after in-flight calls drained and observers flushed. */
    close: new AsyncSeriesHook<[GatewayLifecycle]>(['gateway']),
  });
}

/** The full hook table (core side: can call and intercept). */
export type GatewayHooks = ReturnType<typeof createHooks>;

/** Hook names. */
export type HookName = keyof GatewayHooks;

type TapOnly<H> = H extends { tap: unknown } ? Omit<H, 'promise' | 'callAsync' | 'call' | 'intercept'> : never;

/** What plugins see of the hook table: tap, never call or intercept. */
export type PluginHooks = { readonly [K in HookName]: TapOnly<GatewayHooks[K]> };

/**
 * Whether a hook has taps. Not tapable's `isUsed()`: every hook carries the guards'
 * interceptor (core/src/hook-guards.ts), which makes `isUsed()` true for all of them, and the
 * runner would then call every untapped hook on every call.
 *
 * @example
 * ```ts
 * if (tapped(hooks.preCall)) short = await hooks.preCall.promise(request, ctx);
 * ```
 */
export function tapped(hook: { readonly taps: readonly unknown[] }): boolean {
  return hook.taps.length > 0;
}

/** Hooks whose taps are observers: isolated, never fail a call. */
export const OBSERVER_HOOKS: ReadonlySet<HookName> = new Set(['cost', 'record', 'log']);

/** Re-exported hook classes for plugin authors' type annotations. */
export type {
  AsyncParallelHookT as AsyncParallelHook,
  AsyncSeriesBailHookT as AsyncSeriesBailHook,
  AsyncSeriesHookT as AsyncSeriesHook,
  AsyncSeriesWaterfallHookT as AsyncSeriesWaterfallHook,
  SyncHookT as SyncHook,
  SyncWaterfallHookT as SyncWaterfallHook,
};
