/**
 * `simple-shuffle` (the default): a weighted random pick by `weight`, else by `rpm`, else by
 * `tpm`, else equal shares.
 */
import type { Deployment } from '@switchyard/core';
import { weightedOrder, type RouterStrategy } from './types.js';

const shareOf = (d: Deployment): number => d.weight ?? d.rpm ?? d.tpm ?? 1;

/**
 * The simple-shuffle strategy.
 *
 * @example
 * ```ts
 * simpleShuffle({ candidates, state, stream: false, random: Math.random, price: () => undefined });
 * ```
 */
export const simpleShuffle: RouterStrategy = ({ candidates, random }) => {
  // weights only count when every deployment sets the same kind; mixed lists fall back to equal shares
  const kinds = new Set(candidates.map((d) => (d.weight !== undefined ? 'w' : d.rpm !== undefined ? 'r' : d.tpm !== undefined ? 't' : '-')));
  return weightedOrder(candidates, kinds.size === 1 ? shareOf : () => 1, random);
};
