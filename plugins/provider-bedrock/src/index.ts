/**
 * @switchyard/provider-bedrock: AWS Bedrock through the Converse and ConverseStream APIs.
 */
import { bedrockProvider } from './plugin.js';

export { bedrockProvider, bedrockEndpoint } from './plugin.js';
export type { BedrockProviderOptions, BedrockDeploymentOptions } from './options.js';
export { toConverseRequest, toConverseMessages, toolUseIdFor } from './request.js';
export type { ConverseMappingOptions } from './request.js';
export { isAnthropicModel, supportsNativeStructuredOutput, supportsToolUse, isNova2 } from './models.js';
export { THINKING_BUDGETS, applyReasoning, replayedReasoning, thinkingBlockOf } from './reasoning.js';
export type { ThinkingBlock } from './reasoning.js';
export { applyResponseFormat, JSON_TOOL_NAME } from './structured.js';
export type { StructuredOutputMode } from './structured.js';
export { checkParams, MAPPED_PARAMS } from './params.js';
export { primeStream } from './prime.js';
export { toChatCompletion, toUsage, finishReason } from './response.js';
export { converseChunks, streamChunks } from './stream.js';
export type { ConverseChunkOptions } from './stream.js';
export { eventStream } from './eventstream.js';
export type { BedrockEvent } from './eventstream.js';
export { bedrockError, bedrockErrorFor, awsErrorType, withUpstreamHeaders } from './errors.js';
export { signBedrockRequest, credentialSource } from './signer.js';
export type { AwsCredentials, CredentialSource, SignInput } from './signer.js';
export type * from './converse-types.js';
export { bedrockEmbeddings, embeddingFamily, COHERE_BATCH } from './embed.js';
export type { Invoke } from './embed.js';
export default bedrockProvider;
