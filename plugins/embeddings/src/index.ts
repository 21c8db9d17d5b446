/**
 * @switchyard/embeddings: the OpenAI embeddings API for every provider that has embeddings.
 */
import { embeddings, recordedAnswer } from './plugin.js';

export { embeddings, recordedAnswer };
export type { EmbeddingsOptions } from './plugin.js';
export { embeddingsCodec, checkEmbeddings, inputCount } from './codec.js';
export { floatsToBase64, base64ToFloats } from './base64.js';
export { EmbeddingsRequestSchema, MAX_INPUTS } from './schema.js';
export { MAX_REQUEST_TOKENS, checkTokenBound } from './limits.js';
export default embeddings;
