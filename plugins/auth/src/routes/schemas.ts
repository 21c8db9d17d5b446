/**
 * Request bodies of the key, user and team API, as LiteLLM documents them. Fields LiteLLM has
 * and Switchyard does not act on are accepted only with their "off" value (an empty object,
 * null, ...), so a script that relies on one gets a 400 naming it instead of a silent no-op.
 */
import { z } from '@switchyard/core';
import { isDuration } from '../durations.js';

const duration = z.string().refine(isDuration, "a duration like '30s', '30m', '30h', '30d', '1w', '1mo'");
const id = z.string().min(1).max(256);
const models = z.array(z.string().min(1).max(256)).max(1000);
const metadata = z.record(z.string(), z.unknown());

const emptyObject = (why: string) => z.record(z.string(), z.unknown()).refine((o) => Object.keys(o).length === 0, why).nullable().optional();
const emptyList = (why: string) => z.array(z.unknown()).refine((a) => a.length === 0, why).nullable().optional();
const off = (why: string) => z.null({ error: why }).optional();

/** LiteLLM fields accepted without effect (or only switched off). */
const inert = {
  send_invite_email: z.boolean().nullable().optional(),
  soft_budget: z.number().min(0).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  spend: z.literal(0, { error: 'spend is computed from the spend log and cannot be set' }).nullable().optional(),
  key_type: z.literal('default', { error: 'only default keys exist in Switchyard (keys limited to some routes do not)' }).nullable().optional(),
  aliases: emptyObject('Switchyard keys have no model aliases'),
  config: emptyObject('Switchyard keys have no config overrides'),
  permissions: emptyObject('Switchyard keys have no permissions settings'),
  model_max_budget: emptyObject('Switchyard has no per-model budgets'),
  model_rpm_limit: emptyObject('Switchyard has no per-model rpm limits'),
  model_tpm_limit: emptyObject('Switchyard has no per-model tpm limits'),
  allowed_cache_controls: emptyList('Switchyard keys have no cache-control settings'),
  guardrails: emptyList('Switchyard keys have no guardrails'),
  enforced_params: emptyList('Switchyard keys have no enforced params'),
  allowed_routes: emptyList('Switchyard keys are not limited to routes'),
  max_parallel_requests: off('Switchyard has no parallel-request limit'),
  object_permission: off('Switchyard keys have no object permissions'),
  budget_id: off('Switchyard has no shared budget objects: set max_budget'),
  organization_id: off('Switchyard has no organizations'),
  auto_rotate: z.literal(false, { error: 'Switchyard does not rotate keys by itself: call /key/regenerate' }).optional(),
  rotation_interval: off('Switchyard does not rotate keys by itself'),
};

/** Model access, budget and limits (null clears a field on update). */
const limits = {
  models: models.nullable().optional(),
  max_budget: z.number().finite().min(0).nullable().optional(),
  budget_duration: duration.nullable().optional(),
  tpm_limit: z.number().int().min(0).max(1e12).nullable().optional(),
  rpm_limit: z.number().int().min(0).max(1e12).nullable().optional(),
  metadata: metadata.nullable().optional(),
};

const keyFields = {
  ...limits,
  ...inert,
  key_alias: z.string().min(1).max(256).nullable().optional(),
  duration: duration.nullable().optional(),
  user_id: id.nullable().optional(),
  team_id: id.nullable().optional(),
  blocked: z.boolean().nullable().optional(),
};

const customKey = z.string().min(20, 'a key of at least 20 characters').max(256).startsWith('sk-', "a key starting with 'sk-'").regex(/^\S+$/, 'a key without spaces');

/** `POST /key/generate`. */
export const GenerateKey = z.strictObject({ ...keyFields, key: customKey.optional() });
/** `POST /key/update`. */
export const UpdateKey = z.strictObject({
  ...keyFields,
  key: z.string().min(1),
  temp_budget_increase: off('Switchyard has no temporary budget increases: raise max_budget'),
  temp_budget_expiry: off('Switchyard has no temporary budget increases'),
});
/** `POST /key/regenerate` and `POST /key/{key}/regenerate`. */
export const RegenerateKey = z.strictObject({
  ...keyFields,
  key: z.string().min(1).optional(),
  new_key: customKey.optional(),
  new_master_key: off('the master key is set in the config (masterKey or SWITCHYARD_MASTER_KEY)'),
});
/** `POST /key/delete`. */
export const DeleteKeys = z
  .strictObject({ keys: z.array(z.string().min(1)).max(1000).optional(), key_aliases: z.array(z.string().min(1)).max(1000).optional() })
  .refine((b) => (b.keys?.length ?? 0) + (b.key_aliases?.length ?? 0) > 0, { message: "give 'keys' or 'key_aliases'", path: ['keys'] });
/** `POST /key/block` and `/key/unblock`. */
export const KeyRef = z.strictObject({ key: z.string().min(1) });

// LiteLLM's roles, and the older names its docs still show (admin, app_owner, app_user)
const LEGACY_ROLES: Record<string, string> = { admin: 'proxy_admin', app_owner: 'internal_user', app_user: 'internal_user' };
const roles = z
  .enum(['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer', 'admin', 'app_owner', 'app_user'])
  .transform((r) => LEGACY_ROLES[r] ?? r);
const userFields = {
  ...limits,
  ...inert,
  user_email: z.string().min(1).max(320).nullable().optional(),
  user_alias: z.string().min(1).max(256).nullable().optional(),
  user_role: roles.nullable().optional(),
  teams: z.array(id).max(1000).nullable().optional(),
  sso_user_id: off('Switchyard has no single sign-on'),
  password: off('Switchyard users have no passwords: they call with keys'),
};
/** `POST /user/new`. */
export const NewUser = z.strictObject({
  ...userFields,
  user_id: id.optional(),
  auto_create_key: z.boolean().default(true),
  key_alias: z.string().min(1).max(256).nullable().optional(),
  duration: duration.nullable().optional(),
  team_id: id.nullable().optional(),
});
/** `POST /user/update`. */
export const UpdateUser = z.strictObject({ ...userFields, user_id: id });
/** `POST /user/delete`. */
export const DeleteUsers = z.strictObject({ user_ids: z.array(id).min(1).max(1000) });

const member = z.strictObject({ user_id: id, role: z.enum(['admin', 'user']).default('user'), user_email: z.string().nullable().optional() });
const teamFields = {
  ...limits,
  ...inert,
  team_alias: z.string().min(1).max(256).nullable().optional(),
  members_with_roles: z.array(member).max(10_000).nullable().optional(),
  blocked: z.boolean().nullable().optional(),
  team_member_permissions: emptyList('Switchyard team members do not manage keys: the master key does'),
};
/** `POST /team/new`. */
export const NewTeam = z.strictObject({ ...teamFields, team_id: id.optional() });
/** `POST /team/update`. */
export const UpdateTeam = z.strictObject({ ...teamFields, team_id: id });
/** `POST /team/delete`. */
export const DeleteTeams = z.strictObject({ team_ids: z.array(id).min(1).max(1000) });
/** `POST /team/block` and `/team/unblock`. */
export const TeamRef = z.strictObject({ team_id: id });

/** Paging of `GET /key/list` and `GET /user/list`. */
export const pageNumber = z.coerce.number().int().min(1).max(1_000_000).default(1);
/** Page size. */
export const pageSize = z.coerce.number().int().min(1).max(100);

/** What the limit fields of any of these bodies parse to. */
export type LimitFields = { [K in keyof typeof limits]?: z.output<(typeof limits)[K]> };
