/**
 * `least-busy`: the deployment with the fewest calls in flight (across processes when the
 * state is shared), ties at random.
 */
import { rankBy, type RouterStrategy } from './types.js';

/**
 * The least-busy strategy.
 *
 * @example
 * ```ts
 * leastBusy({ candidates, state, stream: false, random: Math.random, price: () => undefined });
 * ```
 */
export const leastBusy: RouterStrategy = ({ candidates, state, random }) => rankBy(candidates, (d) => state.inflight(d.id), random);
