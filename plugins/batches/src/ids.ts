/**
 * Ids shaped as OpenAI's (`file-`, `batch_`, `batch_req_` and 24 letters and digits) and the
 * ordering key lists page by.
 */
import { nextSeq, nowSec, objectId } from '@switchyard/store';

/** The id prefixes. */
export const PREFIX = { file: 'file-', batch: 'batch_', line: 'batch_req_' } as const;

/**
 * A new id of `kind`.
 *
 * @example
 * ```ts
 * newId('file'); // 'file-Xk3…'
 * ```
 */
export const newId = (kind: keyof typeof PREFIX): string => objectId(PREFIX[kind]);

export { nextSeq, nowSec };
