/**
 * What a plugin's `apply(gateway)` receives: a tap-only view of the hooks, the provider
 * registry, shared services, settings, diagnostics and an in-process caller.
 */
import type { RouterConfig } from './config/router-schema.js';
import type { Diagnostics } from './diagnostics.js';
import type { PluginHooks } from './hooks.js';
import type { Router, RouterState } from './types/index.js';
import type { ConversationsService } from './conversations.js';
import type { DeriveSecret, SessionOfResponse, SpendTotals } from './services.js';
import type { CallInput, CallOutput } from './runner/call-types.js';
import type { OperationCodec } from './runner/codec.js';
import type { RunOutput } from './runner/runner.js';
import type { RouteDefinition, ServedRoute } from './http/routes-api.js';
import type { CallEvent, CallRequest, CallResponse, Deployment, Principal, ProviderAdapter, Usage } from './types/index.js';

/**
 * Shared services plugins offer each other through the core (never by importing each
 * other). Extend by declaration merging; the store contract adds `store`.
 *
 * @example
 * ```ts
 * declare module '@switchyard/core' {
 *   interface GatewayServices { cache?: MyCache }
 * }
 * ```
 */
export interface GatewayServices {
  /**
   * The router the call runner asks for each call's order of deployments (`@switchyard/router`,
   * which the core loads unless a plugin provides `router`). Plugins read it as `gateway.router`.
   */
  router?: Router;
  /** The router's state shared between processes (a plugin such as `@switchyard/router-redis` provides it). */
  routerState?: RouterState;
  /**
   * The deployment that made a response the caller owns (offered by the Responses plugin, so a
   * chain can stay on the deployment that holds its state); undefined when unknown or foreign.
   */
  responseDeployment?: (responseId: string, principal: Principal) => Promise<string | undefined>;
  /** Prices and model facts (a cost plugin provides it: `provides: ['pricing']`). */
  pricing?: PricingService;
  /** Session lookup by response id (see {@link SessionOfResponse}). */
  sessionOfResponse?: SessionOfResponse;
  /** Spend totals, offered by a cost plugin (see {@link SpendTotals}). */
  spend?: SpendTotals;
  /** Keys derived from configured secret material, offered by an auth plugin (see {@link DeriveSecret}). */
  deriveSecret?: DeriveSecret;
  /** Conversations (see {@link ConversationsService}), offered by `@switchyard/conversations`. */
  conversations?: ConversationsService;
  /**
   * The URL of a session's trace in a trace UI (offered by a tracing plugin configured with
   * one, e.g. `@switchyard/otel` with `traceUiUrl`); undefined when it has none for it.
   */
  sessionTraceUrl?: (sessionId: string) => string | undefined;
}

/**
 * Pricing as a service: what a call costs, per deployment, so any plugin (batches, routing)
 * prices the same way without importing the plugin that owns the price data.
 *
 * @example
 * ```ts
 * const usd = gateway.services.pricing?.price(usage, deployment, { batch: true });
 * ```
 */
export interface PricingService {
  /** The cost in USD of `usage` on `deployment` (batch prices when `batch`), or null when unknown. */
  price(usage: Usage, deployment: Deployment, options?: { batch?: boolean }): number | null;
  /** USD per token (input and output averaged), when known: for cost-based routing. */
  perToken(deployment: Deployment): number | undefined;
  /** The model's context window in tokens, when known. */
  contextWindow(deployment: Deployment): number | undefined;
}

/**
 * Operations plugins add to the runner (embeddings, Responses, ...).
 *
 * @example
 * ```ts
 * apply(gateway) {
 *   gateway.operations.register(embeddingsCodec); // then gateway.call({ operation: 'embeddings', body })
 * }
 * ```
 */
export interface OperationRegistry {
  /** Makes `codec` callable by name (`gateway.call({ operation })`); a second codec of one name fails boot. */
  register<Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>): void;
}

/**
 * Gateway-wide settings from the config file (top-level keys other than plugins/models/server).
 *
 * @example
 * ```ts
 * const file = path.join(gateway.settings.dataDir, 'calls.jsonl');
 * ```
 */
export interface GatewaySettings {
  /** Keep full request and response bodies with each call record. */
  readonly storePrompts: boolean;
  /** Secret for signing ids handed to clients (response ids, ...). */
  readonly secret: string;
  /** Directory for local state (SQLite file, logs) unless a plugin is told otherwise. */
  readonly dataDir: string;
  /** The `router:` section (strategy, cooldowns, retries, fallbacks), as the router plugin reads it. */
  readonly router: Readonly<RouterConfig>;
}

/**
 * Registry of provider adapters, keyed by provider id.
 *
 * @example
 * ```ts
 * gateway.providers.register(adapter);
 * const openai = gateway.providers.get('openai'); // undefined unless a plugin registered it
 * ```
 */
export interface ProviderRegistry {
  /** Registers an adapter; a second adapter with the same id fails boot. */
  register(adapter: ProviderAdapter): void;
  get(id: string): ProviderAdapter | undefined;
  list(): ProviderAdapter[];
}

/**
 * Read access to the configured models.
 *
 * @example
 * ```ts
 * const deployments = gateway.models.lookup('gpt-4o'); // [] when no deployment serves it
 * ```
 */
export interface ModelTable {
  /** All configured deployments, in config order. */
  readonly deployments: readonly Deployment[];
  /** Deployments serving a public model name (config entries or `provider/model`). */
  lookup(name: string): readonly Deployment[];
  /** Public model names the gateway advertises. */
  names(): string[];
}

/**
 * The plugin's handle on the gateway.
 *
 * @example
 * ```ts
 * apply(gateway) {
 *   gateway.hooks.log.tapPromise(NAME, async (event) => sink.write(event));
 *   gateway.hooks.close.tapPromise(NAME, async () => sink.flush());
 * }
 * ```
 */
export interface PluginApi {
  /** Tap-only view of the hook table. */
  readonly hooks: PluginHooks;
  readonly providers: ProviderRegistry;
  /** Services shared between plugins (e.g. `store`). */
  readonly services: GatewayServices;
  /**
   * A service another plugin provides, or a coded error naming this plugin and the service:
   * for services the plugin lists in `dependencies` (the loader already refused to boot
   * without them), so `apply()` need not check for it again.
   *
   * @example
   * ```ts
   * const store = gateway.service('store'); // typed, never undefined
   * await store.migrate('@acme/notes', migrations);
   * ```
   */
  service<K extends keyof GatewayServices>(name: K): NonNullable<GatewayServices[K]>;
  readonly settings: GatewaySettings;
  readonly models: ModelTable;
  /** Diagnostics for this plugin (messages are prefixed with its name). */
  readonly diagnostics: Diagnostics;
  /**
   * Runs a call through the same pipeline as HTTP (hooks included). For batch workers,
   * assistant runs and bridges; available once the gateway is built.
   */
  call(input: CallInput): Promise<CallOutput>;
  /**
   * Runs one call of `codec`'s operation through the call runner (hooks, routing, attempts,
   * records, logs, cost): how an API family plugin serves its endpoint.
   */
  run<Req extends CallRequest, Res extends CallResponse, Chunk>(codec: OperationCodec<Req, Res, Chunk>, input: CallInput): Promise<RunOutput<Res, Chunk>>;
  /** Where an API family plugin registers its operation. */
  readonly operations: OperationRegistry;
  /** The router (deployment health, cooldowns, usage), once the gateway is built. */
  readonly router: Router;
  /**
   * Every route the gateway serves (core and plugins), once the gateway is built: what a
   * plugin reads to tell whether an API is there (e.g. `GET /v1/batches`).
   */
  readonly routes: readonly ServedRoute[];
  /**
   * Adds an HTTP route (`/v1/...` is also served without `/v1`). Call it in `apply()`; routes
   * are served in plugin order after the core's (models, health).
   *
   * @example
   * ```ts
   * gateway.addRoute({ method: 'GET', path: '/v1/hello', handler: () => ({ body: { hello: 'world' } }) });
   * ```
   */
  addRoute(route: RouteDefinition): void;
  /**
   * Whether a plugin taps `authenticate` (every request then carries a key). Without one the
   * gateway listens on 127.0.0.1 only and every caller is the same anonymous tenant.
   */
  readonly authenticates: boolean;
  /**
   * Aborted when the gateway starts closing: a route that streams without end (a live feed)
   * ends its stream on it, so the drain does not wait for it until the shutdown timeout.
   */
  readonly closing: AbortSignal;
  /** Tracks background work so that `flush()` and shutdown wait for it. Never rejects. */
  background(work: Promise<unknown>): void;
  /**
   * Reports a call the plugin served outside the chat pipeline (native pass-through) to the
   * `cost`, `record` and `log` hooks, exactly once. Await it before sending the response's
   * last bytes (it resolves once the call is recorded); `log` runs after. Build its context
   * with `createCallContext` and fill deployment, attempts and usage.
   */
  report(event: CallEvent): Promise<void>;
}
