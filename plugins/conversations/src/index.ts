/**
 * @switchyard/conversations: the OpenAI Conversations API for every provider.
 */
import { conversations } from './plugin.js';

export { conversations, CONVERSATION_SESSION_STAGE } from './plugin.js';
export type { ConversationsOptions } from './plugin.js';
export { CONVERSATIONS_MIGRATIONS, CONVERSATIONS_TABLE, ITEMS_TABLE } from './repo.js';
export { itemTokens, contextWindow, tokenCounter } from './tokens.js';
export type { CountTokens } from './tokens.js';
export { LITELLM_PREFIX } from './ids.js';
export default conversations;
