/**
 * @switchyard/provider-anthropic: the Anthropic Messages API behind the OpenAI chat API.
 */
import { anthropicProvider } from './plugin.js';

export { anthropicProvider };
export type { AnthropicProviderOptions } from './plugin.js';
export { ANTHROPIC_VERSION, ANTHROPIC_MODELS } from './plugin.js';
export { toAnthropicRequest, toAnthropicMessages, JSON_TOOL_NAME, DEFAULT_MAX_TOKENS, DEFAULT_THINKING_BUDGETS } from './request.js';
export type { RequestMappingOptions } from './request.js';
export { toChatCompletion, finishReasonOf, usageOf } from './response.js';
export type { ResponseMappingOptions } from './response.js';
export { AnthropicStreamTranslator, toChatChunks } from './stream.js';
export type { StreamMappingOptions } from './stream.js';
export { anthropicError, anthropicStreamError, ANTHROPIC_ERROR_STATUS } from './errors.js';
export { checkParams, MAPPED_PARAMS } from './params.js';
export { primeStream } from './prime.js';
export { anthropicBatches, stateOf, toBatchResult } from './batches.js';
export type { AnthropicBatchesEnv } from './batches.js';
export type * from './wire.js';
export default anthropicProvider;
