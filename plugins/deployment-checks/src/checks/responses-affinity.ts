/**
 * `responses-affinity` (LiteLLM's `responses_api_deployment_check`): a Responses call that
 * continues `previous_response_id` goes to the deployment that made that response, so the
 * state a native Responses API keeps upstream is there; when that deployment is gone or
 * cooling down (not among the candidates), the call falls back to the rest of the group.
 */
import type { CallContext, CallRequest, Deployment, GatewayServices } from '@switchyard/core';
import { preferring } from './prefer.js';

/**
 * Orders `deployments` for the response chain `request` continues.
 *
 * @example
 * ```ts
 * deployments = await responsesAffinity(deployments, request, ctx, gateway.services);
 * ```
 */
export async function responsesAffinity(deployments: Deployment[], request: CallRequest, ctx: CallContext, services: GatewayServices): Promise<Deployment[]> {
  const previous = request.previous_response_id;
  if (typeof previous !== 'string' || !previous || !services.responseDeployment) return deployments;
  const id = await services.responseDeployment(previous, ctx.principal);
  return id ? preferring(deployments, id) : deployments;
}
