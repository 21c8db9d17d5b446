/**
 * Background health checks: every `intervalMs`, each configured deployment gets a one-token
 * chat call straight to its provider (as LiteLLM's background health checks do; it costs a
 * token). A deployment that fails is cooled down until the next check, so calls go elsewhere
 * and `GET /health` shows it with the error; one that answers is healthy again.
 */
import type { Deployment, PluginApi } from '@switchyard/core';
import { createCallContext, toGatewayError } from '@switchyard/core';

/** Options of the health checks. */
export interface HealthOptions {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Checks one deployment; resolves with the failure, or undefined when it answered.
 *
 * @example
 * ```ts
 * const err = await checkDeployment(api, deployment, 10_000);
 * ```
 */
export async function checkDeployment(api: PluginApi, d: Deployment, timeoutMs: number): Promise<Error | undefined> {
  const adapter = api.providers.get(d.provider);
  if (!adapter) return new Error(`no provider ${d.provider}`);
  const signal = AbortSignal.timeout(timeoutMs);
  const ctx = createCallContext({ operation: 'health', endpoint: 'health-check', signal });
  try {
    const result = await adapter.chat({ model: d.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false }, { deployment: d, ctx, signal });
    if (result.type === 'stream') for await (const _ of result.chunks) void _;
    return undefined;
  } catch (err) {
    return toGatewayError(err);
  }
}

/**
 * Starts the checks; returns the function that stops them.
 *
 * @example
 * ```ts
 * const stop = startHealthChecks(api, { intervalMs: 60_000, timeoutMs: 10_000 });
 * ```
 */
export function startHealthChecks(api: PluginApi, options: HealthOptions): () => void {
  let running = false;
  const round = async () => {
    if (running) return;
    running = true;
    try {
      await Promise.all(
        api.models.deployments.map(async (d) => {
          const err = await checkDeployment(api, d, options.timeoutMs);
          if (err) api.router.state.coolDown(d.id, Date.now() + options.intervalMs, `health check: ${err.message}`.slice(0, 300));
        }),
      );
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => api.background(round()), options.intervalMs);
  timer.unref();
  api.background(round());
  return () => clearInterval(timer);
}
