/**
 * Ownership of stored objects (calls, sessions, responses, files, ...): each row records the
 * owner derived from the caller's principal, and reads filter on it, so another caller gets
 * "not found" (404), never "forbidden".
 */
import type { Principal } from '../types.js';

/**
 * The owner string of a principal: its key id; without a key, `user:<id>` or `team:<id>`;
 * `''` for anonymous callers (anonymous callers see anonymous data only).
 *
 * @example
 * ```ts
 * ownerOf({ keyId: 'key_1', teamId: 't' }); // 'key_1'
 * ownerOf({}); // ''
 * ```
 */
export function ownerOf(principal: Principal): string {
  if (principal.keyId) return principal.keyId;
  if (principal.userId) return `user:${principal.userId}`;
  if (principal.teamId) return `team:${principal.teamId}`;
  return '';
}
