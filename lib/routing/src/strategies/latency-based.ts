/**
 * `latency-based`: the deployment that answered fastest lately (time to the first chunk
 * for streamed calls, total latency otherwise; exponentially weighted). A deployment with no
 * measurement yet goes first, so every deployment gets measured.
 */
import { rankBy, type RouterStrategy } from './types.js';

/**
 * The latency-based strategy.
 *
 * @example
 * ```ts
 * latencyBased({ candidates, state, stream: true, random: Math.random, price: () => undefined });
 * ```
 */
export const latencyBased: RouterStrategy = ({ candidates, state, stream, random }) =>
  rankBy(candidates, (d) => state.latency(d.id, stream) ?? -1, random);
