/**
 * Ids of the Assistants API objects, shaped as OpenAI's (`asst_` and 24 letters and digits),
 * and the ordering key every list pages by: increasing within a process, roughly creation
 * time across processes (created_at has only second resolution).
 */
import { randomBytes } from 'node:crypto';
import { GatewayError } from '@switchyard/core';

/** The object kinds and their id prefixes. */
export const PREFIX = { assistant: 'asst', thread: 'thread', message: 'msg', run: 'run', step: 'step' } as const;

/** An object kind. */
export type Kind = keyof typeof PREFIX;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new id of `kind`.
 *
 * @example
 * ```ts
 * newId('assistant'); // 'asst_Xk3…' (24 characters after the prefix)
 * ```
 */
export function newId(kind: Kind): string {
  const bytes = randomBytes(24);
  let out = `${PREFIX[kind]}_`;
  // 256 % 62 leaves a slight bias; ids need uniqueness, not uniformity
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

let lastSeq = 0;

/**
 * The next ordering key: microseconds since the epoch, strictly increasing in this process.
 *
 * @example
 * ```ts
 * const a = nextSeq(); const b = nextSeq(); // b > a
 * ```
 */
export function nextSeq(): number {
  lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
  return lastSeq;
}

/** Seconds since the epoch, as the API's timestamps. */
export const nowSec = (): number => Math.floor(Date.now() / 1000);

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
