/**
 * Keys, users and teams as the API answers them, in LiteLLM's field names. A key is named by
 * its id in `token` / `token_id` (LiteLLM puts the key's hash there; Switchyard never shows
 * the hash), and its secret appears only in the answers that create it.
 */
import { budgetPeriod } from '../durations.js';
import type { KeyRecord, Limits, TeamRecord, UserRecord } from '../records.js';
import { iso } from './common.js';

function limitsObject(l: Limits, spend: number, now: number) {
  const period = budgetPeriod(l.budgetAnchor, l.budgetDuration, now);
  return {
    models: l.models,
    spend,
    max_budget: l.maxBudget,
    budget_duration: l.budgetDuration,
    budget_reset_at: iso(period?.resetAt),
    tpm_limit: l.tpmLimit,
    rpm_limit: l.rpmLimit,
    metadata: l.metadata,
    created_at: iso(l.createdAt),
    updated_at: iso(l.updatedAt),
  };
}

/**
 * A key.
 *
 * @example
 * ```ts
 * res.body = { key: key.id, info: keyObject(key, spend, Date.now()) };
 * ```
 */
export function keyObject(k: KeyRecord, spend: number, now: number) {
  return {
    token: k.id,
    token_id: k.id,
    key_name: k.keyName,
    key_alias: k.keyAlias,
    ...limitsObject(k, spend, now),
    user_id: k.userId,
    team_id: k.teamId,
    duration: k.duration,
    expires: iso(k.expiresAt),
    blocked: k.blocked,
    max_parallel_requests: null,
    aliases: {},
    config: {},
    permissions: {},
    model_max_budget: {},
    allowed_cache_controls: [],
    created_by: k.createdBy,
  };
}

/**
 * A user.
 *
 * @example
 * ```ts
 * res.body = { user_id: u.userId, user_info: userObject(u, spend, Date.now()) };
 * ```
 */
export function userObject(u: UserRecord, spend: number, now: number) {
  return {
    user_id: u.userId,
    user_email: u.userEmail,
    user_alias: u.userAlias,
    user_role: u.userRole,
    teams: u.teams,
    ...limitsObject(u, spend, now),
  };
}

/**
 * A team.
 *
 * @example
 * ```ts
 * res.body = teamObject(team, 0, Date.now());
 * ```
 */
export function teamObject(t: TeamRecord, spend: number, now: number) {
  return {
    team_id: t.teamId,
    team_alias: t.teamAlias,
    ...limitsObject(t, spend, now),
    members_with_roles: t.members,
    blocked: t.blocked,
  };
}
