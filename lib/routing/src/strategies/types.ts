/**
 * The seam every routing strategy fills: order the deployments of one model for one call.
 */
import type { Deployment, RouterState } from '@switchyard/core';

/**
 * What a strategy sees.
 *
 * @example
 * ```ts
 * const input: StrategyInput = { candidates, state, stream: false, random: Math.random, price: () => undefined };
 * ```
 */
export interface StrategyInput {
  /** The model's deployments that are not cooling down (never empty). */
  readonly candidates: readonly Deployment[];
  readonly state: RouterState;
  /** Whether the call streams (latency-based routing ranks by time to first chunk then). */
  readonly stream: boolean;
  /** A number in [0, 1); tests pass a seeded one. */
  random(): number;
  /** Estimated USD per token of `d` (input and output averaged), when a price is known. */
  price(d: Deployment): number | undefined;
}

/**
 * A routing strategy: the order in which a call tries the deployments (first = preferred;
 * the rest are the retries' order).
 *
 * @example
 * ```ts
 * const firstListed: RouterStrategy = ({ candidates }) => [...candidates];
 * ```
 */
export type RouterStrategy = (input: StrategyInput) => Deployment[];

/**
 * `items` shuffled with a weighted random order (Efraimidis–Spirakis: each item draws
 * `u^(1/w)`, highest first), so the first pick follows the weights and the rest are a
 * fair order for retries.
 *
 * @example
 * ```ts
 * weightedOrder([a, b], (d) => (d === a ? 2 : 1), Math.random);
 * ```
 */
export function weightedOrder<T>(items: readonly T[], weight: (item: T) => number, random: () => number): T[] {
  if (items.length <= 1) return [...items];
  const keyed = items.map((item) => ({ item, key: Math.pow(random() || Number.MIN_VALUE, 1 / Math.max(weight(item), 1e-9)) }));
  keyed.sort((a, b) => b.key - a.key);
  return keyed.map((k) => k.item);
}

/**
 * `items` sorted by `score` ascending, ties broken at random (so equal deployments share load).
 *
 * @example
 * ```ts
 * rankBy(candidates, (d) => state.inflight(d.id), Math.random);
 * ```
 */
export function rankBy<T>(items: readonly T[], score: (item: T) => number, random: () => number): T[] {
  return items
    .map((item) => ({ item, score: score(item), tie: random() }))
    .sort((a, b) => a.score - b.score || a.tie - b.tie)
    .map((k) => k.item);
}
