/**
 * `context-window`: deployments whose context window is too small for the prompt are
 * skipped (tokens counted with gpt-tokenizer; windows from the deployment's
 * `maxInputTokens`, else the pricing service's model data). When every deployment is too
 * small the list is left whole: the upstream's own refusal then leads to the
 * `contextWindowFallbacks`.
 */
import { isWithinTokenLimit } from 'gpt-tokenizer';
import type { CallContext, CallRequest, Deployment, GatewayServices } from '@switchyard/core';
import { promptText } from '../prompt.js';

/**
 * `deployments` without those too small for `request`'s prompt.
 *
 * @example
 * ```ts
 * deployments = contextWindow(deployments, request, ctx, gateway.services);
 * ```
 */
export function contextWindow(deployments: Deployment[], request: CallRequest, ctx: CallContext, services: GatewayServices): Deployment[] {
  const windows = deployments.map((d) => d.maxInputTokens ?? services.pricing?.contextWindow(d));
  const known = windows.filter((w): w is number => w !== undefined);
  if (known.length === 0) return deployments;
  const text = promptText(request, ctx);
  // a token holds at least one character: a prompt shorter than the smallest window fits
  if (text.length <= Math.min(...known)) return deployments;
  const fits = new Map<number, boolean>();
  const kept = deployments.filter((_, i) => {
    const w = windows[i];
    if (w === undefined) return true;
    let ok = fits.get(w);
    if (ok === undefined) fits.set(w, (ok = isWithinTokenLimit(text, w) !== false));
    return ok;
  });
  return kept.length > 0 ? kept : deployments;
}
