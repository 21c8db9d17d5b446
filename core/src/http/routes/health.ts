/**
 * Health probes: liveliness (the process answers) and readiness (booted, not draining).
 */
import type { RouteDefinition } from '../routes-api.js';

/**
 * The health routes (no authentication).
 *
 * @example
 * ```ts
 * routes.push(...healthRoutes(() => gateway.state));
 * ```
 */
export function healthRoutes(state: () => 'ready' | 'draining'): RouteDefinition[] {
  return [
    { method: 'GET', path: '/health/liveliness', auth: false, handler: () => ({ body: { status: 'alive' } }) },
    { method: 'GET', path: '/health/liveness', auth: false, handler: () => ({ body: { status: 'alive' } }) },
    {
      method: 'GET',
      path: '/health/readiness',
      auth: false,
      handler: () => {
        const s = state();
        return { status: s === 'ready' ? 200 : 503, body: { status: s } };
      },
    },
  ];
}
