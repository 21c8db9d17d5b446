/**
 * The call runner's own part of the `router:` config: how many retries, the longest
 * `retry-after` honoured, fallbacks and timeouts. The router (a plugin) only orders
 * deployments and cools them down; what happens after a failed attempt is the runner's.
 */
import type { RouterConfig } from '../config/router-schema.js';

/** The `router:` config with the runner's defaults filled in. */
export type RetryPolicy = Readonly<RouterConfig> & { readonly retries: number; readonly maxRetryAfterMs: number };

/**
 * The retry policy of a `router:` config (2 retries, `retry-after` honoured up to 30 s).
 *
 * @example
 * ```ts
 * retryPolicy({ retries: 0 }); // { retries: 0, maxRetryAfterMs: 30_000 }
 * ```
 */
export function retryPolicy(config: RouterConfig = {}): RetryPolicy {
  return { retries: 2, maxRetryAfterMs: 30_000, ...config };
}
