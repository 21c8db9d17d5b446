/**
 * Deployment checks: pre-call checks that filter or order a call's candidate deployments on
 * the `candidates` hook, each switched on by name (LiteLLM's `optional_pre_call_checks`).
 * Filters run first (context window, rate limits), then affinity picks the front (a
 * response chain's deployment, else the session's).
 */
import { definePlugin, parsePluginOptions, z, type GatewayPlugin } from '@switchyard/core';
import { contextWindow } from './checks/context-window.js';
import { rateLimits } from './checks/rate-limits.js';
import { responsesAffinity } from './checks/responses-affinity.js';
import { sessionAffinity } from './checks/session-affinity.js';
import { startHealthChecks } from './health.js';

const PLUGIN_NAME = '@switchyard/deployment-checks';
const VERSION = '0.1.0';

/** The checks, by name. */
export const CHECKS = ['responses-affinity', 'session-affinity', 'context-window', 'rate-limits', 'health'] as const;

const OptionsSchema = z.strictObject({
  /** Which checks run (default: responses-affinity, context-window, rate-limits). */
  checks: z.array(z.enum(CHECKS)).optional(),
  /** Background health checks (the `health` check): how often and how long each may take. */
  health: z.strictObject({ intervalMs: z.number().int().min(1_000).optional(), timeoutMs: z.number().int().positive().optional() }).optional(),
});

/** Options of the deployment checks. */
export type DeploymentChecksOptions = z.input<typeof OptionsSchema>;

/**
 * The deployment-checks plugin.
 *
 * @example
 * ```ts
 * createGateway({ plugins: [deploymentChecks({ checks: ['responses-affinity', 'session-affinity', 'context-window'] })], models });
 * ```
 */
export function deploymentChecks(options?: DeploymentChecksOptions): GatewayPlugin {
  const opts = parsePluginOptions(PLUGIN_NAME, OptionsSchema, options);
  const on = new Set(opts.checks ?? ['responses-affinity', 'context-window', 'rate-limits']);
  return definePlugin({
    name: PLUGIN_NAME,
    version: VERSION,
    apply(gateway) {
      const sessions = on.has('session-affinity') ? sessionAffinity() : undefined;
      gateway.hooks.candidates.tapPromise(PLUGIN_NAME, async (deployments, request, ctx) => {
        let out = deployments;
        if (on.has('context-window')) out = contextWindow(out, request, ctx, gateway.services);
        if (on.has('rate-limits')) out = rateLimits(out, gateway.router);
        if (sessions) out = sessions.order(out, ctx);
        // a response chain's deployment wins over the session's: that is where its state lives
        if (on.has('responses-affinity')) out = await responsesAffinity(out, request, ctx, gateway.services);
        return out;
      });
      if (sessions) gateway.hooks.log.tapPromise(PLUGIN_NAME, async (event) => sessions.remember(event.ctx));
      if (on.has('health')) {
        let stop: (() => void) | undefined;
        gateway.hooks.ready.tapPromise(PLUGIN_NAME, async () => {
          stop = startHealthChecks(gateway, { intervalMs: opts.health?.intervalMs ?? 60_000, timeoutMs: opts.health?.timeoutMs ?? 10_000 });
        });
        gateway.hooks.close.tapPromise(PLUGIN_NAME, async () => stop?.());
      }
    },
  });
}
