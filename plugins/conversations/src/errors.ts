/**
 * The Conversations API's errors, worded as the OpenAI API words them.
 */
import { GatewayError } from '@switchyard/core';

/**
 * The 404 for a conversation that does not exist, was deleted, or is another owner's.
 *
 * @example
 * ```ts
 * throw conversationNotFound(id, 'conversation_id');
 * ```
 */
export function conversationNotFound(id: string, param: string): GatewayError {
  return new GatewayError('GW_ERR_NOT_FOUND', `Conversation with id '${id}' not found.`, { param, publicCode: 'not_found' });
}

/**
 * The 404 for an item that is not in the conversation.
 *
 * @example
 * ```ts
 * throw itemNotFound(itemId);
 * ```
 */
export function itemNotFound(id: string): GatewayError {
  return new GatewayError('GW_ERR_NOT_FOUND', `Item with id '${id}' not found.`, { param: 'item_id', publicCode: 'not_found' });
}

/**
 * The 400 for a string that is not a conversation id at all.
 *
 * @example
 * ```ts
 * throw invalidConversationId(raw, 'conversation');
 * ```
 */
export function invalidConversationId(id: string, param: string): GatewayError {
  const shown = id.length > 64 ? `${id.slice(0, 64)}…` : id;
  return new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid '${param}': '${shown}'. Expected an ID that begins with 'conv'.`, { param, publicCode: 'invalid_value' });
}
