/**
 * @switchyard/upstream: what providers and pass-through plugins share to talk to upstreams.
 * Re-exports only.
 */
export { upstreamFetch, upstreamBuffered, upstreamFailure, readJson, readText, parseJson, headerValue } from './http.js';
export type { BufferedResponse, UpstreamRequest } from './http.js';
export type { UpstreamResponse } from '@switchyard/core';
export { sseEvents, sseEventBatches } from './sse.js';
export type { EventSourceMessage } from './sse.js';
export { openAIChat, openAIEmbeddings, openAIPassthrough } from './openai/call.js';
export { openAIError } from './openai/errors.js';
export type { OpenAIWire } from './openai/wire.js';
