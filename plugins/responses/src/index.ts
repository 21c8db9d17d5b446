/**
 * @switchyard/responses: the OpenAI Responses API for every provider.
 */
import { responses } from './plugin.js';

export { responses };
export type { ResponsesOptions } from './plugin.js';
export { responseIds, newId } from './ids.js';
export type { NativeRef, ResponseIds } from './ids.js';
export { toChatRequest, itemsToMessages } from './to-chat.js';
export { completionOutput, toResponseUsage, responseObject } from './from-chat.js';
export { responseEvents } from './stream-events.js';
export type { ResponseObject, Item, ResponseUsage } from './types.js';
export default responses;
