/**
 * `rate-limits`: deployments that used up their `rpm` or `tpm` in the last minute (as the
 * router counts it, across processes when its state is shared) are skipped. When every one
 * is full the list is empty: the call fails over to the model's fallbacks, or gets a 503.
 */
import type { Deployment, Router } from '@switchyard/core';

/**
 * `deployments` that still have room this minute.
 *
 * @example
 * ```ts
 * deployments = rateLimits(deployments, gateway.router);
 * ```
 */
export function rateLimits(deployments: Deployment[], router: Router): Deployment[] {
  return deployments.filter((d) => {
    if (!d.rpm && !d.tpm) return true;
    const u = router.state.usage(d.id);
    return !(d.rpm && u.requests >= d.rpm) && !(d.tpm && u.tokens >= d.tpm);
  });
}
