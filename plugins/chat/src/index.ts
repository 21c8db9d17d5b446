/**
 * @switchyard/chat: the chat completions API (`POST /v1/chat/completions`) as a plugin.
 */
import { chat } from './plugin.js';

export { chat } from './plugin.js';
export type { ChatOptions } from './plugin.js';
export { chatRoute } from './route.js';
export default chat;
