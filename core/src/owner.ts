/**
 * Ownership of stored objects (calls, sessions, responses, spend; files, batches, assistants
 * and threads as they land). The pattern every stateful plugin follows:
 *
 * 1. **Write** the owner with each row: `owner = ownerOf(principal)`.
 * 2. **Read** through `ownerScope(principal)`: `undefined` means every owner (an admin),
 *    otherwise filter `owner = scope` in the same query that finds the row (never fetch then
 *    compare), so another tenant's row is simply not there.
 * 3. **Not found is 404, never 403**: a get, modify, delete or cancel of another owner's id
 *    answers exactly as for an id that never existed; lists never include it; ids that
 *    encode an owner (signed native response ids) are checked with {@link canSee}.
 */
import type { Principal } from './types/index.js';

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

/**
 * The owner a principal's reads are limited to, or `undefined` for an admin, who reads every
 * owner's objects.
 *
 * @example
 * ```ts
 * const scope = ownerScope(req.principal);
 * let q = db.selectFrom('acme_notes').selectAll().where('id', '=', id);
 * if (scope !== undefined) q = q.where('owner', '=', scope);
 * ```
 */
export function ownerScope(principal: Principal): string | undefined {
  return principal.admin ? undefined : ownerOf(principal);
}

/**
 * Whether a principal may see an object owned by `owner` (its own, or any as an admin).
 *
 * @example
 * ```ts
 * if (!ref || !canSee(req.principal, ref.owner)) throw notFound(id);
 * ```
 */
export function canSee(principal: Principal, owner: string): boolean {
  return principal.admin === true || ownerOf(principal) === owner;
}
