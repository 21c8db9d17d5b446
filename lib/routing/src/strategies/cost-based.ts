/**
 * `cost-based`: the cheapest deployment that is under its `rpm`/`tpm` this minute; one at
 * or over a limit, or without a known price, goes after the priced ones.
 */
import { rankBy, type RouterStrategy } from './types.js';
import { usageShare } from './usage-based.js';

/**
 * The cost-based strategy.
 *
 * @example
 * ```ts
 * costBased({ candidates, state, stream: false, random: Math.random, price: (d) => d.pricing?.inputCostPerToken });
 * ```
 */
export const costBased: RouterStrategy = ({ candidates, state, random, price }) =>
  rankBy(
    candidates,
    (d) => {
      const p = price(d);
      const full = usageShare(d, state) >= 1;
      // under its limits and priced < under its limits, unpriced < full
      return (full ? 2e9 : 0) + (p === undefined ? 1e9 : p);
    },
    random,
  );
