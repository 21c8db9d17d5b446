/**
 * The `router:` section of the config: how a call picks among the deployments of its model
 * and what it does when one fails (retries, cooldowns, fallbacks).
 */
import { z } from 'zod';

/**
 * Router strategies, one file each under `core/src/router/strategies/`.
 *
 * @example
 * ```ts
 * if (!(ROUTER_STRATEGIES as readonly string[]).includes(name)) throw new Error(`unknown strategy ${name}`);
 * ```
 */
export const ROUTER_STRATEGIES = ['simple-shuffle', 'least-busy', 'latency-based', 'usage-based', 'cost-based'] as const;

/**
 * A router strategy name.
 *
 * @example
 * ```ts
 * const strategy: RouterStrategyName = 'least-busy';
 * ```
 */
export type RouterStrategyName = (typeof ROUTER_STRATEGIES)[number];

const fallbackMap = z.record(z.string().min(1), z.array(z.string().min(1)));

/** The `router:` config. */
export const RouterConfigSchema = z.strictObject({
  /** How deployments of one model are ordered for each call (default `simple-shuffle`). */
  strategy: z.enum(ROUTER_STRATEGIES).optional(),
  /** Retries after a failed attempt, across the model's deployments (default 2; 0 = one attempt). */
  retries: z.number().int().min(0).max(20).optional(),
  /** Upstream timeout of one attempt in ms, unless the deployment sets `timeoutMs` (default 600 s). */
  timeoutMs: z.number().int().positive().optional(),
  /** Timeout of a streamed attempt until its first chunk, in ms (default: `timeoutMs`). */
  streamTimeoutMs: z.number().int().positive().optional(),
  /** How long a deployment is skipped after too many failures, in ms (default 5 s). */
  cooldownMs: z.number().int().min(0).optional(),
  /** Failures a deployment may have within a minute before it cools down (default 3). */
  allowedFails: z.number().int().min(0).optional(),
  /** Longest `retry-after` honoured before a retry, in ms; longer ones end the retries (default 30 s). */
  maxRetryAfterMs: z.number().int().min(0).optional(),
  /** Model groups tried, in order, when every deployment of a model failed. */
  fallbacks: fallbackMap.optional(),
  /** Model groups tried when the upstream said the prompt is too long for the model's context window. */
  contextWindowFallbacks: fallbackMap.optional(),
  /** Model groups tried for any model without fallbacks of its own. */
  defaultFallbacks: z.array(z.string().min(1)).optional(),
  /** A Redis URL: in-flight counts, per-minute usage and cooldowns are shared by every gateway process. */
  redis: z.string().min(1).optional(),
});

/**
 * The `router:` config.
 *
 * @example
 * ```ts
 * const router: RouterConfig = { strategy: 'latency-based', retries: 3, fallbacks: { 'gpt-4o': ['claude-sonnet'] } };
 * ```
 */
export type RouterConfig = z.infer<typeof RouterConfigSchema>;

/** Per-deployment routing keys on a model entry. */
export const DeploymentRoutingSchema = {
  /** Relative share of traffic for `simple-shuffle` (default: from rpm/tpm, else equal). */
  weight: z.number().positive().optional(),
  /** Requests per minute this deployment may take (usage-based routing and the rate-limits check). */
  rpm: z.number().int().positive().optional(),
  /** Tokens per minute this deployment may take. */
  tpm: z.number().int().positive().optional(),
  /** Largest prompt in tokens (the context-window check; default: the model's known window). */
  maxInputTokens: z.number().int().positive().optional(),
};
