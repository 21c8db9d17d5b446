/**
 * @switchyard/provider-gemini: Google AI Studio (`gemini`) and Vertex AI (`vertex_ai`).
 */
import { geminiProvider } from './plugin.js';

export { geminiProvider };
export { GEMINI_API_BASE, GEMINI_MODELS } from './plugin.js';
export type { GeminiProviderOptions } from './plugin.js';
export { toGeminiRequest, toContents, toGenerationConfig, mimeTypeOf, DEFAULT_THINKING_BUDGETS, MIN_THINKING_BUDGET } from './request.js';
export type { RequestMappingOptions, ThinkingBudgets } from './request.js';
export { toGeminiSchema, toGeminiJsonSchema, GEMINI_SCHEMA_KEYS } from './schema.js';
export { checkParams, MAPPED_PARAMS } from './params.js';
export { primeStream } from './prime.js';
export {
  toChatCompletion,
  toFinishReason,
  finishError,
  noCandidates,
  toUsage,
  splitParts,
  toolCallId,
  toToolCall,
  isGeminiCallId,
  signatureOf,
  signatureContent,
  completionId,
  THOUGHT_SIGNATURE_SEPARATOR,
  FOREIGN_CALL_SIGNATURE,
} from './response.js';
export type { ThoughtSignatureContent } from './response.js';
export type { SplitCall } from './response.js';
export type { SplitParts } from './response.js';
export { toChatChunks } from './stream.js';
export type { StreamMappingOptions } from './stream.js';
export { geminiError, geminiStreamError, errorTypeFor, upstreamRequestIdOf, REQUEST_ID_HEADERS } from './errors.js';
export { VertexAuth, CLOUD_PLATFORM_SCOPE, GOOGLE_TOKEN_URL } from './auth.js';
export type { VertexCredentialSource } from './auth.js';
export { geminiChat, modelSegment, methodSuffix } from './adapter.js';
export { studioEmbeddings, vertexEmbeddings, embeddingTexts, usesEmbedContent, CHARS_PER_TOKEN, STUDIO_BATCH, VERTEX_BATCH } from './embed.js';
export type { EmbedTransport } from './embed.js';
export type { GeminiTransport } from './adapter.js';
export type * from './wire.js';
export default geminiProvider;
