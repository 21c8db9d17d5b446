/**
 * @switchyard/provider-azure: Azure OpenAI (`azure`) and Azure AI Foundry model inference (`azure_ai`).
 */
import { azureProvider } from './plugin.js';

export { azureProvider };
export type { AzureProviderOptions, AzureDeploymentOptions } from './options.js';
export { azureOpenAIUrl, azureAIUrl, azureAuthHeaders, DEFAULT_AZURE_API_VERSION, AZURE_AI_API_VERSION } from './target.js';
export type { AzureAuth, AzureTargetInput } from './target.js';
export { azureRequestId, isPromptFilterChunk, AZURE_WIRE } from './wire.js';
export default azureProvider;
