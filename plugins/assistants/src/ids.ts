/**
 * Ids of the Assistants API objects, shaped as OpenAI's (`asst_` and 24 letters and digits),
 * and the ordering key every list pages by: increasing within a process, roughly creation
 * time across processes (created_at has only second resolution).
 */
import { GatewayError } from '@switchyard/core';
import { nextSeq, nowSec, objectId } from '@switchyard/store';

/** The object kinds and their id prefixes. */
export const PREFIX = { assistant: 'asst', thread: 'thread', message: 'msg', run: 'run', step: 'step' } as const;

/** An object kind. */
export type Kind = keyof typeof PREFIX;

/**
 * A new id of `kind`.
 *
 * @example
 * ```ts
 * newId('assistant'); // 'asst_Xk3…' (24 characters after the prefix)
 * ```
 */
export const newId = (kind: Kind): string => objectId(`${PREFIX[kind]}_`);

export { nextSeq, nowSec };

const SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Throws OpenAI's 400 unless `id` has the shape of a `kind` id (`Invalid 'thread_id': 'x'.
 * Expected an ID that begins with 'thread'.`).
 *
 * @example
 * ```ts
 * checkId(req.params.thread_id, 'thread', 'thread_id');
 * ```
 */
export function checkId(id: string | undefined, kind: Kind, param: string): string {
  const raw = id ?? 'undefined';
  if (raw.startsWith(`${PREFIX[kind]}_`) && SHAPE.test(raw)) return raw;
  const shown = raw.length > 64 ? `${raw.slice(0, 64)}…` : raw;
  throw new GatewayError('GW_ERR_INVALID_REQUEST', `Invalid '${param}': '${shown}'. Expected an ID that begins with '${PREFIX[kind]}'.`, {
    param,
    publicCode: 'invalid_value',
  });
}
