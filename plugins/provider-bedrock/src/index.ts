/**
 * @switchyard/provider-bedrock: AWS Bedrock through the Converse and ConverseStream APIs.
 */
import { bedrockProvider } from './plugin.js';

export { bedrockProvider, bedrockEndpoint } from './plugin.js';
export type { BedrockProviderOptions, BedrockDeploymentOptions } from './options.js';
export { toConverseRequest, toConverseMessages, isAnthropicModel, THINKING_BUDGETS } from './request.js';
export { toChatCompletion, toUsage, finishReason } from './response.js';
export { converseChunks, streamChunks } from './stream.js';
export { eventStream } from './eventstream.js';
export type { BedrockEvent } from './eventstream.js';
export { bedrockError, bedrockErrorFor, awsErrorType } from './errors.js';
export { signBedrockRequest, credentialSource } from './signer.js';
export type { AwsCredentials, CredentialSource, SignInput } from './signer.js';
export type * from './converse-types.js';
export default bedrockProvider;
