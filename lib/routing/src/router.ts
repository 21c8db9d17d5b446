/**
 * The router: orders the deployments of a model for a call (the configured strategy over
 * the deployments not cooling down), records how each attempt went, and cools down a
 * deployment after `allowedFails` failures within a minute (a model with one deployment is
 * never cooled down: there is nowhere else to go).
 */
import type { Deployment, Router, RouterConfig, RouterState } from '@switchyard/core';
import { STRATEGIES } from './strategies/index.js';

/**
 * Options of {@link createRouter}.
 *
 * @example
 * ```ts
 * const router = createRouter(config, createMemoryState(), { price: (d) => gateway.services.pricing?.perToken(d) });
 * ```
 */
export interface RouterOptions {
  random?: () => number;
  clock?: () => number;
  /** Estimated USD per token of a deployment (cost-based routing). */
  price?(d: Deployment): number | undefined;
}

/**
 * Creates the router.
 *
 * @example
 * ```ts
 * const router = createRouter({ strategy: 'least-busy', allowedFails: 3 }, createMemoryState());
 * const order = router.order(models.lookup('gpt-4o'), false);
 * ```
 */
export function createRouter(config: RouterConfig, state: RouterState, options: RouterOptions = {}): Router {
  const strategy = STRATEGIES[config.strategy ?? 'simple-shuffle'];
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  // the configured price wins, then the pricing service's (cost-based routing)
  const price = (d: Deployment) => perToken(d) ?? options.price?.(d);
  const cfg = { cooldownMs: 5_000, allowedFails: 3, ...config };
  return {
    state,
    config: cfg,
    order(deployments, stream) {
      if (deployments.length <= 1) return [...deployments];
      const warm = deployments.filter((d) => state.coolingUntil(d.id) === 0);
      // all cooling: try them anyway, soonest back first, rather than failing without trying
      const candidates = warm.length > 0 ? warm : [...deployments].sort((a, b) => state.coolingUntil(a.id) - state.coolingUntil(b.id));
      if (candidates.length === 1) return candidates;
      return strategy({ candidates, state, stream, random, price });
    },
    begin: (d) => state.begin(d.id),
    end: (d, result) => state.end(d.id, result),
    failed(d, err, groupSize) {
      if (groupSize <= 1 || cfg.cooldownMs === 0) return;
      const fails = state.fail(d.id);
      // a rate limit says "not now" outright; other failures count against allowedFails
      if (err.status === 429 || fails > cfg.allowedFails) state.coolDown(d.id, clock() + cfg.cooldownMs, `${err.status} ${err.message}`.slice(0, 300));
    },
    cooling: (d) => state.coolingUntil(d.id) > 0,
    health(deployments) {
      return deployments.map((d) => {
        const until = state.coolingUntil(d.id);
        return {
          id: d.id,
          model: d.name,
          provider: d.provider,
          inflight: state.inflight(d.id),
          cooling_until: until || null,
          latency_ms: state.latency(d.id, false) ?? null,
          requests_last_minute: Math.round(state.usage(d.id).requests),
          last_error: state.lastError(d.id) ?? null,
        };
      });
    },
  };
}

/** The configured price of a deployment per token (input and output averaged), if any. */
function perToken(d: Deployment): number | undefined {
  const p = d.pricing;
  if (p?.inputCostPerToken === undefined && p?.outputCostPerToken === undefined) return undefined;
  return ((p.inputCostPerToken ?? 0) + (p.outputCostPerToken ?? 0)) / 2;
}
