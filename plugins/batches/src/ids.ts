/**
 * Ids shaped as OpenAI's (`file-`, `batch_`, `batch_req_` and 24 letters and digits) and the
 * ordering key lists page by.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

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
export function newId(kind: keyof typeof PREFIX): string {
  let out: string = PREFIX[kind];
  // 256 % 62 leaves a slight bias; ids need uniqueness, not uniformity
  for (const b of randomBytes(24)) out += ALPHABET[b % ALPHABET.length];
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

/**
 * Seconds since the epoch, as the API's timestamps.
 *
 * @example
 * ```ts
 * const created_at = nowSec();
 * ```
 */
export const nowSec = (): number => Math.floor(Date.now() / 1000);
