/**
 * `session-affinity`: the calls of one session stick to the deployment that served the
 * session's last call (its prompt cache holds the conversation's prefix). Remembered per
 * process, for the most recent sessions; a deployment cooling down is left for the group.
 */
import type { CallContext, Deployment } from '@switchyard/core';
import { preferring } from './prefer.js';

/** Sessions remembered (least recently used first out). */
const MAX_SESSIONS = 100_000;

/**
 * Session → deployment memory.
 *
 * @example
 * ```ts
 * const affinity = sessionAffinity();
 * deployments = affinity.order(deployments, ctx);
 * affinity.remember(ctx); // once the call was served
 * ```
 */
export function sessionAffinity(max = MAX_SESSIONS) {
  const served = new Map<string, string>();
  return {
    order(deployments: Deployment[], ctx: CallContext): Deployment[] {
      const id = ctx.sessionId ? served.get(ctx.sessionId) : undefined;
      return id ? preferring(deployments, id) : deployments;
    },
    remember(ctx: CallContext): void {
      if (!ctx.sessionId || !ctx.deployment) return;
      served.delete(ctx.sessionId); // re-insert: most recent last
      served.set(ctx.sessionId, ctx.deployment.id);
      if (served.size > max) served.delete(served.keys().next().value!);
    },
  };
}
