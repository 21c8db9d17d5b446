/**
 * What the key, user and team routes share: who may call them, how a key is named in a
 * request, spend per object, and limit fields applied to a record.
 */
import { GatewayError, type GatewayServices, type RouteRequest } from '@switchyard/core';
import { type AnyKysely, type Store } from '@switchyard/store';
import type { Directory } from '../directory.js';
import { budgetPeriod } from '../durations.js';
import { hashKey } from '../keys.js';
import type { KeyRecord, Limits } from '../records.js';
import type { AuthRepo } from '../repo.js';
import type { LimitFields } from './schemas.js';

/** What the routes need. */
export interface RoutesEnv {
  store: Store;
  repo: AuthRepo;
  /** The repository over another handle (a transaction). */
  repoFor(db: AnyKysely): AuthRepo;
  dir: Directory;
  services: GatewayServices;
  now: () => number;
}

/**
 * Refuses a caller that is not an admin (the master key, or a key of a `proxy_admin` user).
 * The answer is the same whether or not the object named exists.
 *
 * @example
 * ```ts
 * requireAdmin(req, 'generate keys');
 * ```
 */
export function requireAdmin(req: RouteRequest, what: string): void {
  if (!req.principal.admin) {
    throw new GatewayError('GW_ERR_FORBIDDEN', `Only the master key (or a key of a proxy_admin user) can ${what}.`, { publicCode: 'forbidden' });
  }
}

/**
 * A 404 in the OpenAI shape: the answer to another tenant's object too.
 *
 * @example
 * ```ts
 * throw notFound('key', 'key', ref);
 * ```
 */
export function notFound(what: 'key' | 'user' | 'team', param: string, ref?: string): GatewayError {
  const shown = what === 'key' ? '' : ref ? ` '${ref}'` : '';
  return new GatewayError('GW_ERR_NOT_FOUND', `No such ${what}${shown}.`, { param, publicCode: `${what}_not_found` });
}

/**
 * The key a request names: by its id (`key_…`, what the API shows as `token`) or by the key
 * itself (looked up by hash).
 *
 * @example
 * ```ts
 * const key = await findKey(env.repo, body.key);
 * ```
 */
export function findKey(repo: AuthRepo, ref: string): Promise<KeyRecord | undefined> {
  return ref.startsWith('key_') ? repo.keyById(ref) : repo.keyByHash(hashKey(ref));
}

/**
 * Spend of a key, user or team in its current budget period (all time without a budget
 * period); 0 without a cost plugin.
 *
 * @example
 * ```ts
 * const spend = await spendOf(env, 'key', key.id, key);
 * ```
 */
export async function spendOf(env: RoutesEnv, kind: 'key' | 'user' | 'team', id: string, l: Limits): Promise<number> {
  if (!env.services.spend) return 0;
  const period = budgetPeriod(l.budgetAnchor, l.budgetDuration, env.now());
  return env.services.spend.total({ [kind]: id, from: period?.start });
}

/**
 * Refuses a budget where nothing records spend (it could never be enforced).
 *
 * @example
 * ```ts
 * requireSpendFor(env, body.max_budget);
 * ```
 */
export function requireSpendFor(env: RoutesEnv, maxBudget: number | null | undefined): void {
  if (maxBudget !== undefined && maxBudget !== null && !env.services.spend) {
    throw new GatewayError('GW_ERR_INVALID_REQUEST', 'Budgets need a cost plugin that records spend: add @switchyard/cost-tracker to the plugins.', {
      param: 'max_budget',
      publicCode: 'budget_unavailable',
    });
  }
}

/**
 * `l` with the limit fields a body sets (null clears, absent keeps). A changed budget or
 * budget period starts a new period now.
 *
 * @example
 * ```ts
 * const next = { ...key, ...applyLimits(key, body, now) };
 * ```
 */
export function applyLimits<T extends Limits>(l: T, body: LimitFields, now: number): T {
  const out = { ...l, updatedAt: now };
  if (body.models !== undefined) out.models = body.models ?? [];
  if (body.max_budget !== undefined) out.maxBudget = body.max_budget;
  if (body.budget_duration !== undefined) out.budgetDuration = body.budget_duration;
  if (body.tpm_limit !== undefined) out.tpmLimit = body.tpm_limit;
  if (body.rpm_limit !== undefined) out.rpmLimit = body.rpm_limit;
  if (body.metadata !== undefined) out.metadata = body.metadata ?? {};
  if (body.budget_duration !== undefined && body.budget_duration !== l.budgetDuration) out.budgetAnchor = now;
  return out;
}

/**
 * Fresh limits (a new key, user or team).
 *
 * @example
 * ```ts
 * const limits = newLimits(body, Date.now());
 * ```
 */
export function newLimits(body: LimitFields, now: number): Limits {
  return applyLimits(
    { models: [], maxBudget: null, budgetDuration: null, budgetAnchor: now, tpmLimit: null, rpmLimit: null, metadata: {}, createdAt: now, updatedAt: now },
    body,
    now,
  );
}

/** ISO time or null. */
export const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The first value of a query parameter. */
export const one = (v: string | string[] | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
};
