/**
 * @switchyard/chat-wire: the chat completions wire code the chat plugin and every plugin that
 * speaks chat share (the Responses bridge, providers' tests, observers): the request schema,
 * the operation codec, stream aggregation and conversion, answer checks and chat views.
 * Re-exports only.
 */
export { ChatRequestSchema, MAX_MESSAGES, plainChatRequest } from './schema.js';
export { chatCodec } from './codec.js';
export { spliceTopLevel } from './splice.js';
export { ChunkAggregator } from './aggregate.js';
export { completionToChunks, chunksToCompletion } from './convert.js';
export { checkCompletion, checkChunk, checkStreamEnd } from './check.js';
export { asChatRequest, asChatCompletion } from './views.js';
