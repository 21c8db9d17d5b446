/**
 * The Assistants API's errors, worded as the OpenAI API words them.
 */
import { GatewayError } from '@switchyard/core';
import type { Kind } from './ids.js';

const NAMES: Record<Kind, string> = { assistant: 'assistant', thread: 'thread', message: 'message', run: 'run', step: 'run step' };

/**
 * The 404 for an object that does not exist, was deleted, or is another owner's.
 *
 * @example
 * ```ts
 * throw notFound('assistant', id, 'assistant_id'); // "No assistant found with id 'asst_x'."
 * ```
 */
export function notFound(kind: Kind, id: string, param: string): GatewayError {
  return new GatewayError('GW_ERR_NOT_FOUND', `No ${NAMES[kind]} found with id '${id}'.`, { param, publicCode: 'not_found' });
}

/**
 * A 400 naming the field at fault.
 *
 * @example
 * ```ts
 * throw invalid("Invalid 'role': 'system'. Expected 'user' or 'assistant'.", 'role');
 * ```
 */
export function invalid(message: string, param: string | null, code = 'invalid_value'): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: code });
}
