/**
 * The Files and Batches errors, worded as the OpenAI API words them.
 */
import { GatewayError } from '@switchyard/core';

/**
 * The 404 for a file or batch that does not exist, was deleted, or is another owner's.
 *
 * @example
 * ```ts
 * throw notFound('file', id, 'file_id'); // "No such File object: file-x"
 * ```
 */
export function notFound(kind: 'file' | 'batch', id: string, param: string): GatewayError {
  const what = kind === 'file' ? 'File' : 'Batch';
  return new GatewayError('GW_ERR_NOT_FOUND', `No such ${what} object: ${id}`, { param, publicCode: 'not_found' });
}

/**
 * A 400 naming the field at fault.
 *
 * @example
 * ```ts
 * throw invalid("Invalid 'purpose': 'x'.", 'purpose');
 * ```
 */
export function invalid(message: string, param: string | null, code = 'invalid_value'): GatewayError {
  return new GatewayError('GW_ERR_INVALID_REQUEST', message, { param, publicCode: code });
}
