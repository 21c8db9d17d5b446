/**
 * @switchyard/deployment-checks: pre-call checks on a call's candidate deployments.
 */
import { deploymentChecks } from './plugin.js';

export { deploymentChecks, CHECKS } from './plugin.js';
export type { DeploymentChecksOptions } from './plugin.js';
export { checkDeployment } from './health.js';
export default deploymentChecks;
