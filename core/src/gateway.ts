/**
 * createGateway(): config → plugins applied in dependency order → model table → call runner
 * → Koa app. One gateway serves HTTP and in-process calls through the same call runner.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Koa from 'koa';
import { consoleDiagnostics, type Diagnostics } from './diagnostics.js';
import { DEFAULT_PLUGINS, withDefaults } from './config/defaults.js';
import { interpolateEnv } from './config/env.js';
import { builtIns, withRouterState } from './config/built-ins.js';
import { resolvePlugins } from './config/resolve-plugins.js';
import { parseSize } from './config/size.js';
import type { SwitchyardConfig } from './config/schema.js';
import { validateConfig } from './config/validate.js';
import { GatewayError } from './errors.js';
import { guardHooks } from './hook-guards.js';
import { createHooks, type GatewayHooks, type GatewayLifecycle } from './hooks.js';
import { createApp } from './http/app.js';
import type { InflightTracker } from './http/run-route.js';
import { LiveRequests } from './http/live.js';
import { createHttpServer, defaultServerLimits, type ServerLimits } from './http/server.js';
import { healthRoutes } from './http/routes/health.js';
import { modelRoutes } from './http/routes/models.js';
import type { RouteDefinition, ServedRoute } from './http/routes-api.js';
import { createModelTable, createProviderRegistry } from './models/table.js';
import { Background } from './runner/background.js';
import type { AbortLike } from './runner/abort.js';
import type { CallInput, CallOutput } from './runner/call-types.js';
import type { Router } from './types/index.js';
import { retryPolicy } from './runner/retry-policy.js';
import type { OperationCodec } from './runner/codec.js';
import { createRunner, type RunCall, type RunOutput } from './runner/runner.js';
import { createFinish } from './runner/observers.js';
import { applyPlugins, orderPlugins, type GatewayPlugin } from './plugin-loader.js';
import type { GatewayServices, GatewaySettings, ModelTable, PluginApi, ProviderRegistry } from './gateway-api.js';
import { prefixed, tapOnly } from './hook-view.js';
import { settlesBy, shutdownCut, shutdownPlan, type CloseReport } from './shutdown.js';
import { VERSION } from './version.js';

/**
 * Options for building a gateway beyond its config.
 *
 * @example
 * ```ts
 * const gateway = await createGateway(config, { configDir: path.dirname(file), configFile: file, diagnostics: memoryDiagnostics() });
 * ```
 */
export interface CreateGatewayOptions {
  /** Folder plugin package names are resolved from (the config file's folder). */
  configDir?: string;
  /** Where diagnostics go (default: stderr at the config's `logLevel`). */
  diagnostics?: Diagnostics;
  /** Environment for `${VAR}` references (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The config file the config came from, named in config errors. */
  configFile?: string;
}

/**
 * A listening server, as `gateway.listen()` resolves.
 *
 * @example
 * ```ts
 * const { url, port } = await gateway.listen({ port: 0 });
 * const client = new OpenAI({ baseURL: url, apiKey: 'unused' }); // url: `http://127.0.0.1:${port}/v1`
 * ```
 */
export interface Listening {
  server: http.Server;
  port: number;
  host: string;
  /** Base URL of the OpenAI-compatible API, e.g. `http://127.0.0.1:4000/v1`. */
  url: string;
}

/**
 * A built gateway.
 *
 * @example
 * ```ts
 * const gateway = await createGateway({ plugins: ['@switchyard/provider-mock'] });
 * const { url } = await gateway.listen({ port: 4000 });
 * // ... later
 * await gateway.close();
 * ```
 */
export interface Gateway {
  readonly version: string;
  /** The full hook table (core side). */
  readonly hooks: GatewayHooks;
  /** The config's plugins, in the order applied (not the built-in parts the core loads by name: the router, chat). */
  readonly plugins: readonly GatewayPlugin[];
  readonly providers: ProviderRegistry;
  readonly models: ModelTable;
  readonly services: GatewayServices;
  readonly settings: GatewaySettings;
  readonly diagnostics: Diagnostics;
  /** Every route served (method, path, and the page name of pages for people). */
  readonly routes: readonly ServedRoute[];
  /** The Koa app, to mount in another server or test with supertest (every route, without the direct lane of `callback()`). */
  readonly app: Koa;
  /** `ready` while serving, `draining` once close() started. */
  readonly state: 'ready' | 'draining';
  /** HTTP requests and in-process calls running now. */
  readonly inflight: number;
  /** Runs one call in-process through the same call runner as HTTP. */
  call(input: CallInput): Promise<CallOutput>;
  /** A Node request listener: static-path routes served directly, the rest through the Koa app. */
  callback(): http.RequestListener;
  /**
   * Starts an HTTP server (default 127.0.0.1:4000; port 0 picks a free port). Without a plugin
   * on the `authenticate` hook it binds 127.0.0.1 whatever host is asked for, and warns.
   */
  listen(options?: { port?: number; host?: string }): Promise<Listening>;
  /** Resolves once all background work (observers, store writes) so far has settled. */
  flush(): Promise<void>;
  /**
   * Stops accepting, drains in-flight calls and streams, cuts what still runs near the end of
   * `timeoutMs` (default `server.shutdownTimeoutMs`, 30 s: each gets a 503 error, a stream as
   * its error frame, and is logged as failed), flushes background work and runs the `close`
   * taps, all within `timeoutMs`. Resolves with what had to be cut.
   */
  close(options?: { timeoutMs?: number }): Promise<CloseReport>;
}

/** Runs a config step, naming the config file in the error it throws. */
function inFile<T>(file: string | undefined, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (file && err instanceof GatewayError) throw new GatewayError(err.code, `${file}: ${err.message}`, { cause: err });
    throw err;
  }
}

/** Whether a listen address only accepts connections from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Builds a gateway from a config.
 *
 * @example
 * ```ts
 * import { createGateway } from '@switchyard/core';
 * import mock from '@switchyard/provider-mock';
 * const gateway = await createGateway({ plugins: [mock()] });
 * const out = await gateway.call({ body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] } });
 * ```
 */
export async function createGateway(config: SwitchyardConfig = {}, options: CreateGatewayOptions = {}): Promise<Gateway> {
  const cfg = validateConfig(inFile(options.configFile, () => interpolateEnv(config, options.env ?? process.env)), options.configFile);
  const diagnostics = options.diagnostics ?? consoleDiagnostics(cfg.logLevel ?? 'info');
  const own = await resolvePlugins(withRouterState(cfg), options.configDir);
  const configured = cfg.extends === 'default' ? withDefaults(await resolvePlugins(DEFAULT_PLUGINS), own) : own;
  const parts = await builtIns(configured);
  const applied = orderPlugins([...parts, ...configured]);
  // `gateway.plugins` lists the config's plugins; the built-in parts are the gateway's own
  const plugins = applied.filter((p) => !parts.includes(p));

  const hooks = createHooks();
  guardHooks(hooks, diagnostics);
  const view = tapOnly(hooks);
  const providers = createProviderRegistry();
  const services: GatewayServices = {};
  const background = new Background();
  const settings: GatewaySettings = Object.freeze({
    storePrompts: cfg.storePrompts ?? false,
    secret: cfg.secret ?? process.env.SWITCHYARD_SECRET ?? '',
    dataDir: path.resolve(options.configDir ?? process.cwd(), cfg.dataDir ?? '.switchyard'),
    router: Object.freeze({ ...cfg.router }),
  });
  let run: RunCall | undefined;
  let router: Router | undefined;
  // operations plugins register (chat: the built-in @switchyard/chat), callable by name (gateway.call / api.call)
  const operations = new Map<string, OperationCodec>();
  const codecFor = (operation = 'chat'): OperationCodec => {
    const codec = operations.get(operation);
    if (!codec) throw new GatewayError('GW_ERR_INVALID_REQUEST', `No loaded plugin serves the operation "${operation}".`, { publicCode: 'operation_not_supported' });
    return codec;
  };
  let models: ReturnType<typeof createModelTable> | undefined;
  let served: readonly ServedRoute[] | undefined;
  const closingSignal = new AbortController();
  const reportBackground = (err: unknown) => diagnostics.error('background work failed', err);
  const finish = createFinish(hooks, background, { recordTimeoutMs: cfg.server?.recordTimeoutMs, diagnostics });
  // what shutdown may have to cut: HTTP requests being served and in-process calls
  const live = new LiveRequests();
  /** In-process calls, with the abort of their caller (a route's, when a plugin serves a request through one). */
  const inProcess = new Map<AbortController, AbortLike | undefined>();
  let settled: (() => void) | undefined;
  /**
   * An in-process call that shutdown can cut (its own signal still aborts it too); a stream
   * counts as running until it ends. A route serving its own request (chat completions,
   * embeddings) runs as is: the request is tracked and cut already.
   */
  const cuttable = <Res, Chunk>(codec: OperationCodec, input: CallInput): Promise<RunOutput<Res, Chunk>> =>
    // not async: the route's own run is the hot path, and an async wrapper costs it a promise
    live.serves(input.signal) ? (run!(codec, input) as Promise<RunOutput<Res, Chunk>>) : cutOnShutdown<Res, Chunk>(codec, input);
  const cutOnShutdown = async <Res, Chunk>(codec: OperationCodec, input: CallInput): Promise<RunOutput<Res, Chunk>> => {
    const ac = new AbortController();
    const outer = input.signal;
    const onAbort = () => ac.abort(outer!.reason);
    if (outer?.aborted) ac.abort(outer.reason);
    else outer?.addEventListener('abort', onAbort, { once: true });
    inProcess.set(ac, outer);
    const done = () => {
      inProcess.delete(ac);
      outer?.removeEventListener('abort', onAbort);
      settled?.();
    };
    let out: RunOutput<Res, Chunk>;
    try {
      out = (await run!(codec, { ...input, signal: ac.signal })) as RunOutput<Res, Chunk>;
    } catch (err) {
      done();
      throw err;
    }
    if (out.type !== 'stream') {
      done();
      return out;
    }
    const chunks = out.chunks;
    return {
      ...out,
      chunks: (async function* () {
        try {
          yield* chunks;
        } finally {
          done();
        }
      })(),
    };
  };

  const pluginRoutes: RouteDefinition[] = [];
  const apiFor = (plugin: GatewayPlugin): PluginApi => ({
    hooks: view,
    addRoute: (route) => {
      if (served) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} added a route after the gateway was built; add routes in apply()`);
      pluginRoutes.push(route);
    },
    providers,
    services,
    service: (name) => {
      const found = services[name];
      if (found === undefined || found === null) {
        throw new GatewayError('GW_ERR_PLUGIN_DEPENDENCY_MISSING', `plugin ${plugin.name} needs the "${String(name)}" service, which no loaded plugin provides; add one to "plugins" (e.g. @switchyard/store-sqlite for "store")`);
      }
      return found as NonNullable<GatewayServices[typeof name]>;
    },
    settings,
    get models(): ModelTable {
      if (!models) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} read models during apply(); read them in a hook or in ready`);
      return models;
    },
    diagnostics: prefixed(diagnostics, plugin.name),
    call: async (input) => {
      if (!run) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} made a call before the gateway was built`);
      return cuttable(codecFor(input.operation), input);
    },
    run: (codec, input) => {
      if (!run) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} made a call before the gateway was built`);
      return cuttable(codec as unknown as OperationCodec, input);
    },
    operations: {
      register(codec) {
        if (operations.has(codec.operation)) throw new GatewayError('GW_ERR_PLUGIN_DUPLICATE', `operation "${codec.operation}" is registered twice (by ${plugin.name})`);
        operations.set(codec.operation, codec as unknown as OperationCodec);
      },
    },
    get router(): Router {
      if (!router) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} read the router during apply(); read it in a hook or in ready`);
      return router;
    },
    get routes(): readonly ServedRoute[] {
      if (!served) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} read the routes before the gateway was built; read them in a hook, a route handler or in ready`);
      return served;
    },
    closing: closingSignal.signal,
    get authenticates() {
      return hooks.authenticate.taps.length > 0;
    },
    background: (work) => background.add(work, (err) => diagnostics.error(`${plugin.name}: background work failed`, err)),
    report: async (e) => finish(e.ctx, e.request, e.outcome, e.status, e.response, e.error, e.payload),
  });
  await applyPlugins(applied, apiFor, cfg.pluginTimeoutMs ?? 10_000);

  models = inFile(options.configFile, () => createModelTable(cfg.models ?? [], providers));
  const table = models;
  const runRouter = services.router;
  if (!runRouter) throw new GatewayError('GW_ERR_PLUGIN_DEPENDENCY_MISSING', 'no loaded plugin set services.router: a plugin that provides "router" must set it in apply()');
  router = runRouter;
  const runner = createRunner({ hooks, providers, models: table, router: runRouter, policy: retryPolicy(cfg.router), finish, background });
  run = runner;

  let state: 'ready' | 'draining' = 'ready';
  let inflight = 0;
  const track: InflightTracker = {
    begin: () => void inflight++,
    end: () => {
      inflight--;
      settled?.();
    },
  };
  const running = () => inflight + inProcess.size;
  /** Calls running, a call a plugin makes for a request counted as part of that request. */
  const callsRunning = () => {
    return inflight + [...inProcess.values()].filter((s) => !live.serves(s)).length;
  };
  /** Resolves once nothing runs, or at `until`; true when nothing runs. */
  const idleBy = (until: number) =>
    running() === 0
      ? Promise.resolve(true)
      : settlesBy(
          new Promise<void>((resolve) => {
            settled = () => {
              if (running() === 0) resolve();
            };
          }),
          until,
        ).then(() => running() === 0);
  let closing: Promise<CloseReport> | undefined;

  const routes: RouteDefinition[] = [...modelRoutes(table), ...healthRoutes(() => state, () => runRouter.health(table.deployments)), ...pluginRoutes];
  served = Object.freeze(routes.map((r) => Object.freeze({ method: r.method, path: r.path, ...(r.page ? { page: r.page } : {}) })));
  const serverCfg = cfg.server ?? {};
  const { app, listener } = createApp({
    hooks,
    diagnostics,
    body: { bytes: parseSize(serverCfg.bodyLimit ?? '20mb'), depth: serverCfg.jsonDepth ?? 64 },
    streams: { open: 0, max: serverCfg.maxStreams ?? 10_000 },
    routes,
    track,
    live,
    plugins: applied.map((p) => p.name),
  });
  const defaults = defaultServerLimits();
  const limits: ServerLimits = {
    headersTimeoutMs: serverCfg.headersTimeoutMs ?? defaults.headersTimeoutMs,
    requestTimeoutMs: serverCfg.requestTimeoutMs ?? defaults.requestTimeoutMs,
    keepAliveTimeoutMs: serverCfg.keepAliveTimeoutMs ?? defaults.keepAliveTimeoutMs,
    maxHeaderSize: serverCfg.maxHeaderSize ?? defaults.maxHeaderSize,
    maxConnections: serverCfg.maxConnections ?? defaults.maxConnections,
  };
  const servers = new Set<http.Server>();
  const lifecycle: GatewayLifecycle = { models: table.deployments };
  await hooks.ready.promise(lifecycle);

  const gateway: Gateway = {
    version: VERSION,
    hooks,
    plugins,
    providers,
    models: table,
    services,
    settings,
    diagnostics,
    routes: served,
    app,
    get state() {
      return state;
    },
    get inflight() {
      return callsRunning();
    },
    call: async (input) => cuttable(codecFor(input.operation), input) as Promise<CallOutput>,
    callback: () => listener,
    async listen(opts = {}) {
      const server = createHttpServer(listener, limits, diagnostics);
      const port = opts.port ?? cfg.server?.port ?? 4000;
      const requested = opts.host ?? cfg.server?.host ?? '127.0.0.1';
      // without an auth plugin every caller is the same anonymous tenant: serve this machine only
      const host = hooks.authenticate.taps.length > 0 || isLoopback(requested) ? requested : '127.0.0.1';
      if (host !== requested) {
        diagnostics.warn(`no auth plugin is loaded: listening on 127.0.0.1 only, not ${requested} (add @switchyard/auth with a master key to serve other hosts)`);
      }
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.add(server);
      const actual = (server.address() as AddressInfo).port;
      const urlHost = host.includes(':') ? `[${host}]` : host;
      return { server, port: actual, host, url: `http://${urlHost}:${actual}/v1` };
    },
    flush: () => background.flush(),
    close(opts = {}) {
      closing ??= (async (): Promise<CloseReport> => {
        const timeoutMs = opts.timeoutMs ?? cfg.server?.shutdownTimeoutMs ?? 30_000;
        const plan = shutdownPlan(Date.now(), timeoutMs);
        state = 'draining';
        closingSignal.abort();
        const closed = [...servers].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        for (const s of servers) s.closeIdleConnections();
        let cut = 0;
        if (!(await idleBy(plan.drainUntil))) {
          // still running near the end: each ends with an error the client and the logs see
          cut = callsRunning();
          const reason = shutdownCut(timeoutMs);
          for (const ac of [...live, ...inProcess.keys()]) ac.abort(reason);
          diagnostics.warn(`shutdown: ${cut} call(s) still running after ${timeoutMs} ms were cut (each ended with a 503 error and is logged as failed)`);
          await idleBy(plan.cutUntil);
        }
        for (const s of servers) s.closeAllConnections();
        await Promise.all(closed);
        const flushed = await settlesBy(background.flush().catch(reportBackground), plan.flushUntil);
        const backgroundCut = flushed ? 0 : background.size;
        if (!flushed) diagnostics.warn(`shutdown: ${backgroundCut} piece(s) of background work (observers, store writes) did not finish in time and were cut`);
        let failure: unknown;
        const tapsDone = await settlesBy(hooks.close.promise(lifecycle).catch((err: unknown) => void (failure = err)), plan.deadline);
        if (!tapsDone) diagnostics.warn('shutdown: the close taps (plugins flushing, the store closing) did not finish in time and were cut');
        if (failure !== undefined) throw failure;
        return { cut, backgroundCut, closed: tapsDone };
      })();
      return closing;
    },
  };
  return gateway;
}
