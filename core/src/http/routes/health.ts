/**
 * Health probes: liveliness (the process answers) and readiness (booted, not draining), both
 * open; and `GET /health`, each deployment's state as the router sees it (behind the
 * gateway's auth: it names deployments, never their keys or addresses).
 */
import type { DeploymentHealth } from '../../types/index.js';
import type { RouteDefinition } from '../routes-api.js';

/**
 * The health routes (no authentication).
 *
 * @example
 * ```ts
 * routes.push(...healthRoutes(() => gateway.state, () => router.health(models.deployments)));
 * ```
 */
export function healthRoutes(state: () => 'ready' | 'draining', deployments: () => DeploymentHealth[] = () => []): RouteDefinition[] {
  return [
    {
      method: 'GET',
      path: '/health',
      handler: () => {
        const report = deployments().map((d) => ({ ...d, healthy: d.cooling_until === null }));
        const unhealthy = report.filter((d) => !d.healthy).length;
        return { body: { status: state(), healthy_count: report.length - unhealthy, unhealthy_count: unhealthy, deployments: report } };
      },
    },
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
