/**
 * Keys, users and teams as the plugin holds them, and their rows.
 */
import { fromJsonColumn, toJsonColumn } from '@switchyard/store';

/** Model access, budget and limits: what keys, users and teams all have. */
export interface Limits {
  /** Models allowed (public names; `*` patterns; empty = all). */
  models: string[];
  /** USD per budget period; null = no budget. */
  maxBudget: number | null;
  /** How often the budget resets (`30d`...); null = never. */
  budgetDuration: string | null;
  /** Epoch ms the budget periods count from (creation, or the last budget change). */
  budgetAnchor: number;
  tpmLimit: number | null;
  rpmLimit: number | null;
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** A virtual key (never its secret: only the hash, which stays in the plugin). */
export interface KeyRecord extends Limits {
  id: string;
  hash: string;
  keyName: string;
  keyAlias: string | null;
  userId: string | null;
  teamId: string | null;
  duration: string | null;
  expiresAt: number | null;
  blocked: boolean;
  createdBy: string | null;
}

/** A user. */
export interface UserRecord extends Limits {
  userId: string;
  userEmail: string | null;
  userAlias: string | null;
  /** `proxy_admin` makes the user's keys admins; `internal_user` otherwise. */
  userRole: string;
  teams: string[];
}

/** A team member. */
export interface TeamMember {
  user_id: string;
  role: 'admin' | 'user';
}

/** A team. */
export interface TeamRecord extends Limits {
  teamId: string;
  teamAlias: string | null;
  members: TeamMember[];
  blocked: boolean;
}

/** Row columns of {@link Limits}. */
export interface LimitsRow {
  models: string;
  max_budget: number | null;
  budget_duration: string | null;
  budget_anchor: number;
  tpm_limit: number | null;
  rpm_limit: number | null;
  metadata: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of `sy_keys`. */
export interface KeyRow extends LimitsRow {
  id: string;
  hash: string;
  key_name: string;
  key_alias: string | null;
  user_id: string | null;
  team_id: string | null;
  duration: string | null;
  expires_at: number | null;
  blocked: number;
  created_by: string | null;
}

/** A row of `sy_users`. */
export interface UserRow extends LimitsRow {
  user_id: string;
  user_email: string | null;
  user_alias: string | null;
  user_role: string;
  teams: string;
}

/** A row of `sy_teams`. */
export interface TeamRow extends LimitsRow {
  team_id: string;
  team_alias: string | null;
  members: string;
  blocked: number;
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Limits from a row (drivers return bigint columns as strings or numbers). */
export function limitsFromRow(r: LimitsRow): Limits {
  return {
    models: fromJsonColumn<string[]>(r.models) ?? [],
    maxBudget: numOrNull(r.max_budget),
    budgetDuration: r.budget_duration,
    budgetAnchor: Number(r.budget_anchor),
    tpmLimit: numOrNull(r.tpm_limit),
    rpmLimit: numOrNull(r.rpm_limit),
    metadata: fromJsonColumn<Record<string, unknown>>(r.metadata) ?? {},
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/** Row columns of limits. */
export function limitsToRow(l: Limits): LimitsRow {
  return {
    models: JSON.stringify(l.models),
    max_budget: l.maxBudget,
    budget_duration: l.budgetDuration,
    budget_anchor: Math.floor(l.budgetAnchor),
    tpm_limit: l.tpmLimit,
    rpm_limit: l.rpmLimit,
    metadata: toJsonColumn(l.metadata),
    created_at: Math.floor(l.createdAt),
    updated_at: Math.floor(l.updatedAt),
  };
}

/** A key from its row. */
export function keyFromRow(r: KeyRow): KeyRecord {
  return {
    ...limitsFromRow(r),
    id: r.id,
    hash: r.hash,
    keyName: r.key_name,
    keyAlias: r.key_alias,
    userId: r.user_id,
    teamId: r.team_id,
    duration: r.duration,
    expiresAt: numOrNull(r.expires_at),
    blocked: Number(r.blocked) === 1,
    createdBy: r.created_by,
  };
}

/** A key's row. */
export function keyToRow(k: KeyRecord): KeyRow {
  return {
    ...limitsToRow(k),
    id: k.id,
    hash: k.hash,
    key_name: k.keyName,
    key_alias: k.keyAlias,
    user_id: k.userId,
    team_id: k.teamId,
    duration: k.duration,
    expires_at: k.expiresAt === null ? null : Math.floor(k.expiresAt),
    blocked: k.blocked ? 1 : 0,
    created_by: k.createdBy,
  };
}

/** A user from its row. */
export function userFromRow(r: UserRow): UserRecord {
  return { ...limitsFromRow(r), userId: r.user_id, userEmail: r.user_email, userAlias: r.user_alias, userRole: r.user_role, teams: fromJsonColumn<string[]>(r.teams) ?? [] };
}

/** A user's row. */
export function userToRow(u: UserRecord): UserRow {
  return { ...limitsToRow(u), user_id: u.userId, user_email: u.userEmail, user_alias: u.userAlias, user_role: u.userRole, teams: JSON.stringify(u.teams) };
}

/** A team from its row. */
export function teamFromRow(r: TeamRow): TeamRecord {
  return { ...limitsFromRow(r), teamId: r.team_id, teamAlias: r.team_alias, members: fromJsonColumn<TeamMember[]>(r.members) ?? [], blocked: Number(r.blocked) === 1 };
}

/** A team's row. */
export function teamToRow(t: TeamRecord): TeamRow {
  return { ...limitsToRow(t), team_id: t.teamId, team_alias: t.teamAlias, members: JSON.stringify(t.members), blocked: t.blocked ? 1 : 0 };
}
