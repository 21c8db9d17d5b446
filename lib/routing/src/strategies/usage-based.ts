/**
 * `usage-based`: stays under each deployment's `rpm`/`tpm` this minute. Deployments with the
 * most room left (as a share of their limit) go first; one at or over a limit goes last,
 * where only a retry reaches it. Deployments without limits count as having room.
 */
import type { Deployment, RouterState } from '@switchyard/core';
import { rankBy, type RouterStrategy } from './types.js';

/**
 * How full `d` is this minute: the larger of requests/rpm and tokens/tpm (0 without limits).
 *
 * @example
 * ```ts
 * usageShare(deployment, state); // 0.4 = 40% of its rpm used
 * ```
 */
export function usageShare(d: Deployment, state: RouterState): number {
  const u = state.usage(d.id);
  return Math.max(d.rpm ? u.requests / d.rpm : 0, d.tpm ? u.tokens / d.tpm : 0);
}

/**
 * The usage-based strategy.
 *
 * @example
 * ```ts
 * usageBased({ candidates, state, stream: false, random: Math.random, price: () => undefined });
 * ```
 */
export const usageBased: RouterStrategy = ({ candidates, state, random }) => rankBy(candidates, (d) => usageShare(d, state), random);
