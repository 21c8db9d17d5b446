/**
 * The router contract: what the call runner asks the router (the deployments' order for a
 * call, how each attempt went, failures and cooldowns) and the state it keeps. The core holds
 * only these types; `@switchyard/router` provides the router (`services.router`).
 */
import type { RouterConfig } from '../config/router-schema.js';
import type { GatewayError } from '../errors.js';
import type { Deployment } from './provider.js';

/**
 * How a deployment is doing, for `GET /health`.
 *
 * @example
 * ```ts
 * const cooling = gateway.router.health(gateway.models.deployments).filter((h) => h.cooling_until !== null);
 * ```
 */
export interface DeploymentHealth {
  id: string;
  model: string;
  provider: string;
  inflight: number;
  /** Epoch ms until which it is skipped, or null. */
  cooling_until: number | null;
  /** Recent latency in ms (exponentially weighted), or null. */
  latency_ms: number | null;
  requests_last_minute: number;
  last_error: string | null;
}

/**
 * The router of a gateway (`gateway.router` in a plugin, once the gateway is built).
 *
 * @example
 * ```ts
 * const [first] = gateway.router.order(gateway.models.lookup('gpt-4o'), false);
 * if (first && gateway.router.cooling(first)) console.log(`${first.id} is cooling down`);
 * ```
 */
export interface Router {
  /** The strategy's order of `deployments` for one call, deployments cooling down left out (unless all are). */
  order(deployments: readonly Deployment[], stream: boolean): Deployment[];
  begin(d: Deployment): void;
  end(d: Deployment, result: AttemptEnd): void;
  /** Records a failure of `d` (one of `groupSize` deployments) and cools it down when it failed too often. */
  failed(d: Deployment, err: GatewayError, groupSize: number): void;
  /** Whether `d` is cooling down now. */
  cooling(d: Deployment): boolean;
  health(deployments: readonly Deployment[]): DeploymentHealth[];
  readonly state: RouterState;
  /** The `router:` config as the router applies it (cooldown defaults filled in; retries and fallbacks are the call runner's). */
  readonly config: Readonly<Required<Pick<RouterConfig, 'cooldownMs' | 'allowedFails'>>> & Readonly<RouterConfig>;
}

/**
 * Requests and tokens a deployment took in the last minute.
 *
 * @example
 * ```ts
 * const { requests, tokens }: MinuteUsage = gateway.router.state.usage(deployment.id);
 * const full = deployment.rpm !== undefined && requests >= deployment.rpm;
 * ```
 */
export interface MinuteUsage {
  requests: number;
  tokens: number;
}

/**
 * How an attempt ended, as the router records it.
 *
 * @example
 * ```ts
 * state.end('gpt-4o#0', { ok: true, latencyMs: 840, ttftMs: 120, tokens: 512 });
 * ```
 */
export interface AttemptEnd {
  ok: boolean;
  /** Total latency of the attempt in ms. */
  latencyMs: number;
  /** Time to the first streamed chunk in ms (streams only). */
  ttftMs?: number;
  /** Tokens the attempt used, when known. */
  tokens?: number;
}

/**
 * The router's state.
 *
 * @example
 * ```ts
 * const state = createMemoryState();
 * state.begin('gpt-4o#0');
 * state.end('gpt-4o#0', { ok: true, latencyMs: 120, tokens: 40 });
 * ```
 */
export interface RouterState {
  /** An attempt on `id` started. */
  begin(id: string): void;
  /** An attempt on `id` ended. */
  end(id: string, result: AttemptEnd): void;
  /** Attempts in flight on `id` (in every process sharing the state). */
  inflight(id: string): number;
  /** Usage of `id` over the last minute (sliding). */
  usage(id: string): MinuteUsage;
  /** Recent latency of `id` (exponentially weighted), or undefined before any call. */
  latency(id: string, stream: boolean): number | undefined;
  /** Counts a failure of `id`; returns the failures within the last minute. */
  fail(id: string): number;
  /** Skips `id` until `until` (epoch ms). */
  coolDown(id: string, until: number, reason: string): void;
  /** Until when `id` is cooling down (epoch ms), or 0. */
  coolingUntil(id: string): number;
  /** Why `id` last cooled down (for health reports). */
  lastError(id: string): string | undefined;
  /** Stops background replication (a shared state). */
  close?(): Promise<void>;
}
