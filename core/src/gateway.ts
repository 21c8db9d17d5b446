/**
 * createGateway(): config → plugins applied in dependency order → model table → pipeline
 * → Koa app. One gateway serves HTTP and in-process calls through the same pipeline.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Koa from 'koa';
import { consoleDiagnostics, type Diagnostics } from './diagnostics.js';
import { interpolateEnv } from './config/env.js';
import { resolvePlugins } from './config/resolve-plugins.js';
import type { SwitchyardConfig } from './config/schema.js';
import { validateConfig } from './config/validate.js';
import { GatewayError } from './errors.js';
import { guardHooks } from './hook-guards.js';
import { createHooks, type GatewayHooks, type GatewayLifecycle } from './hooks.js';
import { createApp } from './http/app.js';
import { parseSize } from './http/body.js';
import { createHttpServer, defaultServerLimits, type ServerLimits } from './http/server.js';
import { chatRoute } from './http/routes/chat.js';
import { healthRoutes } from './http/routes/health.js';
import { modelRoutes } from './http/routes/models.js';
import type { RouteDefinition } from './http/routes-api.js';
import { createModelTable, createProviderRegistry } from './models/table.js';
import { Background } from './pipeline/background.js';
import type { CallInput, CallOutput } from './pipeline/call-types.js';
import { createChatPipeline } from './pipeline/chat.js';
import { createFinish } from './pipeline/observers.js';
import { applyPlugins, orderPlugins, type GatewayPlugin } from './plugin.js';
import type { GatewayServices, GatewaySettings, ModelTable, PluginApi, ProviderRegistry } from './plugin-api.js';
import { prefixed, tapOnly } from './plugin-view.js';
import { VERSION } from './version.js';

/** Options for building a gateway beyond its config. */
export interface CreateGatewayOptions {
  /** Folder plugin package names are resolved from (the config file's folder). */
  configDir?: string;
  /** Where diagnostics go (default: stderr at the config's `logLevel`). */
  diagnostics?: Diagnostics;
  /** Environment for `${VAR}` references (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** A listening server. */
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
  readonly plugins: readonly GatewayPlugin[];
  readonly providers: ProviderRegistry;
  readonly models: ModelTable;
  readonly services: GatewayServices;
  readonly settings: GatewaySettings;
  readonly diagnostics: Diagnostics;
  /** The Koa app, to mount in another server or test with supertest (every route, without the direct lane of `callback()`). */
  readonly app: Koa;
  /** `ready` while serving, `draining` once close() started. */
  readonly state: 'ready' | 'draining';
  /** Runs one call in-process through the same pipeline as HTTP. */
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
  /** Stops accepting, drains in-flight calls and streams (bounded), flushes, runs `close` taps. */
  close(options?: { timeoutMs?: number }): Promise<void>;
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
  const cfg = validateConfig(interpolateEnv(config, options.env ?? process.env));
  const diagnostics = options.diagnostics ?? consoleDiagnostics(cfg.logLevel ?? 'info');
  const plugins = orderPlugins(await resolvePlugins(cfg.plugins ?? [], options.configDir), VERSION);

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
  });
  let pipeline: ((input: CallInput) => Promise<CallOutput>) | undefined;
  let models: ReturnType<typeof createModelTable> | undefined;
  const reportBackground = (err: unknown) => diagnostics.error('background work failed', err);
  const finish = createFinish(hooks, background, { recordTimeoutMs: cfg.server?.recordTimeoutMs, diagnostics });

  const apiFor = (plugin: GatewayPlugin): PluginApi => ({
    hooks: view,
    providers,
    services,
    settings,
    get models(): ModelTable {
      if (!models) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} read models during apply(); read them in a hook or in ready`);
      return models;
    },
    diagnostics: prefixed(diagnostics, plugin.name),
    call: (input) => {
      if (!pipeline) throw new GatewayError('GW_ERR_PLUGIN', `plugin ${plugin.name} made a call before the gateway was built`);
      return pipeline(input);
    },
    background: (work) => background.add(work, (err) => diagnostics.error(`${plugin.name}: background work failed`, err)),
    report: async (e) => finish(e.ctx, e.request, e.outcome, e.status, e.response, e.error, e.payload),
  });
  await applyPlugins(plugins, apiFor, cfg.pluginTimeoutMs ?? 10_000);

  models = createModelTable(cfg.models ?? [], providers);
  const table = models;
  pipeline = createChatPipeline({ hooks, providers, models: table, background, finish });
  const call = pipeline;

  let state: 'ready' | 'draining' = 'ready';
  let inflight = 0;
  let drained: (() => void) | undefined;
  const track = () => {
    inflight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--inflight === 0) drained?.();
    };
  };

  const routes: RouteDefinition[] = [chatRoute(call), ...modelRoutes(table), ...healthRoutes(() => state)];
  hooks.routes.call({ add: (route) => void routes.push(route) });
  const serverCfg = cfg.server ?? {};
  const { app, listener } = createApp({
    hooks,
    diagnostics,
    body: { bytes: parseSize(serverCfg.bodyLimit ?? '20mb'), depth: serverCfg.jsonDepth ?? 64 },
    streams: { open: 0, max: serverCfg.maxStreams ?? 10_000 },
    routes,
    track,
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
    app,
    get state() {
      return state;
    },
    call,
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
    async close(opts = {}) {
      if (state === 'draining') return;
      state = 'draining';
      const closed = [...servers].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const s of servers) s.closeIdleConnections();
      if (inflight > 0) {
        const timeoutMs = opts.timeoutMs ?? cfg.server?.shutdownTimeoutMs ?? 30_000;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          drained = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      for (const s of servers) s.closeAllConnections();
      await Promise.all(closed);
      await background.flush().catch(reportBackground);
      await hooks.close.promise(lifecycle);
    },
  };
  return gateway;
}
