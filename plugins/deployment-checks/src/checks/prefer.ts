/**
 * Moving one deployment to the front of a call's candidates (the rest keep their order: they
 * are where retries and the fallback go).
 */
import type { Deployment } from '@switchyard/core';

/**
 * `deployments` with the one whose id is `id` first (unchanged when it is not there).
 *
 * @example
 * ```ts
 * preferring([a, b, c], 'c'); // [c, a, b]
 * ```
 */
export function preferring(deployments: Deployment[], id: string): Deployment[] {
  const i = deployments.findIndex((d) => d.id === id);
  if (i <= 0) return deployments;
  return [deployments[i]!, ...deployments.slice(0, i), ...deployments.slice(i + 1)];
}
