/**
 * The routing strategies by name.
 */
import type { RouterStrategyName } from '@switchyard/core';
import { costBased } from './cost-based.js';
import { latencyBased } from './latency-based.js';
import { leastBusy } from './least-busy.js';
import { simpleShuffle } from './simple-shuffle.js';
import type { RouterStrategy } from './types.js';
import { usageBased } from './usage-based.js';

/**
 * Every strategy, by its config name.
 *
 * @example
 * ```ts
 * const order = STRATEGIES['least-busy']({ candidates, state, stream: false, random: Math.random, price: () => undefined });
 * ```
 */
export const STRATEGIES: Readonly<Record<RouterStrategyName, RouterStrategy>> = Object.freeze({
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'latency-based': latencyBased,
  'usage-based': usageBased,
  'cost-based': costBased,
});

export type { RouterStrategy, StrategyInput } from './types.js';
