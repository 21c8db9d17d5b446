/**
 * Ids of stored API objects shaped as OpenAI's (a prefix and 24 letters and digits), and the
 * ordering key lists page by: increasing within a process, roughly creation time across
 * processes (the objects' `created_at` has only second resolution).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new object id: `prefix` followed by 24 random letters and digits.
 *
 * @example
 * ```ts
 * objectId('asst_'); // 'asst_Xk3…'
 * objectId('file-'); // 'file-Q9z…'
 * ```
 */
export function objectId(prefix: string): string {
  let out = prefix;
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
 * Seconds since the epoch, as the API objects' timestamps.
 *
 * @example
 * ```ts
 * const created_at = nowSec();
 * ```
 */
export const nowSec = (): number => Math.floor(Date.now() / 1000);
