/**
 * THE hook table: every extension point of a call's flow, declared once, typed, with its
 * contract in the TSDoc of its entry. The README's hook table is generated from this file
 * (`npm run docs:hooks`; core/test/hooks-table.test.ts fails when they differ), and the
 * guards tell bail and observer hooks apart by their tapable class, not by a list.
 * Plugins tap these hooks; only the core calls them. Routes are not a hook: plugins add them
 * with `gateway.addRoute()`.
 */
import tapable from 'tapable';
import type { AuthRequest, CallContext, CallEvent, CallRequest, CallResponse, ChatChunk, CostEvent, Deployment, Principal } from './types/index.js';

const { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncWaterfallHook } = tapable;

/**
 * The gateway as `ready` and `close` taps see it.
 *
 * @example
 * ```ts
 * gateway.hooks.ready.tapPromise('@acme/check', async ({ models }) => {
 *   if (models.length === 0) throw new Error('no models configured');
 * });
 * ```
 */
export interface GatewayLifecycle {
  /** The configured deployments, in config order. */
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
    /**
     * Identify the caller (key, user, team) and return its `Principal`; `undefined` leaves the
     * caller anonymous; throw a 401/403 `GatewayError` to reject. Runs on every route except
     * health.
     */
    authenticate: new AsyncSeriesBailHook<[AuthRequest], Principal | undefined>(['request']),
    /**
     * Admission and short-circuit (auth, budgets, cache, guardrails) for every operation (check
     * `ctx.operation`: `chat`, `responses`, `embeddings`, ...): return an answer to skip the
     * provider, `undefined` to continue, throw to reject.
     */
    preCall: new AsyncSeriesBailHook<[CallRequest, CallContext], CallResponse | undefined>(['request', 'ctx']),
    /** Shape the request that goes upstream: return a new object, never mutate the input. */
    transform: new AsyncSeriesWaterfallHook<[CallRequest, CallContext]>(['request', 'ctx']),
    /**
     * The deployments a call will try, in order, after the router's strategy ordered them and
     * left out those cooling down: filter or reorder them (deployment checks: affinity, context
     * window, rate limits). An empty list fails over to the fallbacks, else 503.
     */
    candidates: new AsyncSeriesWaterfallHook<[Deployment[], CallRequest, CallContext]>(['deployments', 'request', 'ctx']),
    /**
     * Each streamed chat chunk before it is sent. Sync, so streams pay no await per chunk;
     * only called when tapped.
     */
    chunk: new SyncWaterfallHook<[ChatChunk, CallContext]>(['chunk', 'ctx']),
    /**
     * Normalise or annotate the answer before it is sent. On streams it runs once at the end,
     * on the aggregate (it cannot change bytes already sent).
     */
    postCall: new AsyncSeriesWaterfallHook<[CallResponse, CallRequest, CallContext]>(['response', 'request', 'ctx']),
    /**
     * Where a finished call that reported usage is priced, once: the pricing plugin sets
     * `ctx.cost`, and `record` and `log` read it. Runs before `record`, before the last bytes.
     */
    cost: new AsyncParallelHook<[CostEvent]>(['event']),
    /**
     * Durable recorders (call log, spend, stored responses): the answer's last bytes (the
     * body, a stream's `[DONE]`, a Responses terminal event) wait for them, bounded by
     * `server.recordTimeoutMs`, so a call the client saw succeed survives a kill -9. Taps
     * enqueue store writes and return their commit.
     */
    record: new AsyncParallelHook<[CallEvent]>(['event']),
    /** Observers of every finished call (loggers, tracing), run after the response is sent. */
    log: new AsyncParallelHook<[CallEvent]>(['event']),
    /** After every plugin is applied, before the gateway serves; throw to stop the boot (deployment checks). */
    ready: new AsyncSeriesHook<[GatewayLifecycle]>(['gateway']),
    /** At shutdown, after in-flight calls drained and observers flushed. */
    close: new AsyncSeriesHook<[GatewayLifecycle]>(['gateway']),
  });
}

/**
 * The full hook table (core side: can call and intercept); plugins get {@link PluginHooks}.
 *
 * @example
 * ```ts
 * const hooks: GatewayHooks = gateway.hooks; // a built Gateway's, not a plugin's
 * await hooks.log.promise(event);
 * ```
 */
export type GatewayHooks = ReturnType<typeof createHooks>;

/**
 * Hook names.
 *
 * @example
 * ```ts
 * const tappedHooks = (Object.keys(gateway.hooks) as HookName[]).filter((n) => gateway.hooks[n].taps.length > 0);
 * ```
 */
export type HookName = keyof GatewayHooks;

type TapOnly<H> = H extends { tap: unknown } ? Pick<H, Extract<keyof H, 'tap' | 'tapPromise' | 'name'>> : never;

/**
 * What plugins see of the hook table: `tap` (sync) and `tapPromise` (async), never call or
 * intercept.
 *
 * @example
 * ```ts
 * apply(gateway) {
 *   const hooks: PluginHooks = gateway.hooks;
 *   hooks.log.tapPromise('my-logger', async (event) => console.log(event.status));
 * }
 * ```
 */
export type PluginHooks = { readonly [K in HookName]: TapOnly<GatewayHooks[K]> };

/** How a hook treats its taps, read from its tapable class. */
export type HookKind = 'bail' | 'observer' | 'waterfall' | 'series';

/**
 * The kind of a hook of the table: `bail` (a tap's result ends the run; `null` means go on),
 * `observer` (parallel taps, isolated: they never fail a call), `waterfall` or `series`.
 *
 * @example
 * ```ts
 * hookKind(createHooks().log); // 'observer'
 * ```
 */
export function hookKind(hook: object): HookKind {
  const cls = hook.constructor;
  if (cls === AsyncSeriesBailHook) return 'bail';
  if (cls === AsyncParallelHook) return 'observer';
  if (cls === AsyncSeriesWaterfallHook || cls === SyncWaterfallHook) return 'waterfall';
  return 'series';
}

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
