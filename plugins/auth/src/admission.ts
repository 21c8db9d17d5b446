/**
 * Admission of a call, before any provider is reached, in this order: the caller is a live
 * key (or an admin), the model is allowed to its key, user and team (403 naming the model),
 * none of them has spent its budget this period (429 `budget_exceeded`), and every rpm/tpm
 * window has room (429 `rate_limit_exceeded`, `retry-after`). A call counts in the request
 * windows only once it passed everything.
 */
import { GatewayError, type CallContext, type GatewayServices, type Principal } from '@switchyard/core';
import { invalidKey } from './credentials.js';
import type { Directory } from './directory.js';
import { budgetPeriod } from './durations.js';
import type { LimitCheck, Limiter, Refusal, WindowUsage } from './limiter/types.js';
import type { KeyRecord, Limits, TeamRecord, UserRecord } from './records.js';

/** The key id of the master key's principal. */
export const MASTER_KEY_ID = 'master';

/** Who a principal is, resolved. */
export interface Tenant {
  admin: boolean;
  key?: KeyRecord;
  user?: UserRecord;
  team?: TeamRecord;
}

/** Whether `model` matches one entry of a model list (`*`, `all-proxy-models`, `openai/*`). */
function allows(list: readonly string[], model: string): boolean {
  for (const m of list) {
    if (m === model || m === '*' || m === 'all-proxy-models') return true;
    if (m.endsWith('*') && model.startsWith(m.slice(0, -1))) return true;
  }
  return false;
}

/** A key that may not be used now, or undefined. */
export function keyProblem(key: KeyRecord, team: TeamRecord | undefined, now: number): string | undefined {
  if (key.blocked) return 'This API key is blocked.';
  if (key.expiresAt !== null && now >= key.expiresAt) return `This API key expired at ${new Date(key.expiresAt).toISOString()}.`;
  if (team?.blocked) return `The team of this API key is blocked.`;
  return undefined;
}

/** Everything admission needs. */
export interface AdmissionDeps {
  dir: Directory;
  limiter: Limiter;
  services: GatewayServices;
  now: () => number;
}

/**
 * Resolves a principal to its key, user and team (401 for a key that is gone, blocked or expired).
 *
 * @example
 * ```ts
 * const tenant = await resolveTenant(deps, ctx.principal);
 * ```
 */
export async function resolveTenant(deps: AdmissionDeps, principal: Principal): Promise<Tenant> {
  if (principal.keyId === MASTER_KEY_ID && principal.admin) return { admin: true };
  let key: KeyRecord | undefined;
  if (principal.keyId !== undefined) {
    key = await deps.dir.keyById(principal.keyId);
    if (!key) throw invalidKey('This API key does not exist (any more).');
  } else if (!principal.admin && principal.userId === undefined && principal.teamId === undefined) {
    throw invalidKey('No API key: with @switchyard/auth loaded every call needs a principal (in-process calls pass `principal` to gateway.call()).');
  }
  const userId = key ? key.userId : principal.userId;
  const teamId = key ? key.teamId : principal.teamId;
  const [user, team] = await Promise.all([userId ? deps.dir.user(userId) : undefined, teamId ? deps.dir.team(teamId) : undefined]);
  if (key) {
    const problem = keyProblem(key, team, deps.now());
    if (problem) throw invalidKey(problem);
  } else if (team?.blocked) throw invalidKey('The team of this principal is blocked.');
  return { admin: principal.admin === true || user?.userRole === 'proxy_admin', key, user, team };
}

function forbiddenModel(model: string, who: string, list: readonly string[]): GatewayError {
  const shown = list.length > 20 ? `${list.slice(0, 20).join(', ')}, ...` : list.join(', ');
  return new GatewayError('GW_ERR_FORBIDDEN', `This ${who} is not allowed to use model \`${model}\`. Allowed: ${shown}.`, {
    param: 'model',
    publicCode: 'model_not_allowed',
  });
}

type Scoped = [kind: 'key' | 'user' | 'team', id: string, limits: Limits];

function scopesOf(t: Tenant): Scoped[] {
  const out: Scoped[] = [];
  if (t.key) out.push(['key', t.key.id, t.key]);
  if (t.user) out.push(['user', t.user.userId, t.user]);
  if (t.team) out.push(['team', t.team.teamId, t.team]);
  return out;
}

function name(kind: string, id: string, t: Tenant): string {
  if (kind === 'key') return `key '${t.key?.keyAlias ?? t.key?.keyName ?? id}'`;
  return `${kind} '${id}'`;
}

async function checkBudgets(deps: AdmissionDeps, t: Tenant, now: number): Promise<void> {
  for (const [kind, id, l] of scopesOf(t)) {
    if (l.maxBudget === null) continue;
    const spend = deps.services.spend;
    if (!spend) {
      throw new GatewayError('GW_ERR_INTERNAL', `The ${name(kind, id, t)} has a budget, but no cost plugin records spend (add @switchyard/cost-tracker).`, {
        publicCode: 'budget_unavailable',
        expose: true,
      });
    }
    const period = budgetPeriod(l.budgetAnchor, l.budgetDuration, now);
    const spent = await spend.total({ [kind]: id, from: period?.start });
    if (spent >= l.maxBudget) {
      const headers: Record<string, string> = { 'x-should-retry': 'false' };
      if (period) headers['retry-after'] = String(Math.max(1, Math.ceil((period.resetAt - now) / 1000)));
      const resets = period ? ` It resets at ${new Date(period.resetAt).toISOString()}.` : '';
      throw new GatewayError('GW_ERR_BUDGET_EXCEEDED', `Budget exceeded for ${name(kind, id, t)}: spent $${spent.toFixed(6)} of $${l.maxBudget}.${resets}`, {
        publicCode: 'budget_exceeded',
        headers,
      });
    }
  }
}

/** The rate-limit checks of a tenant (scopes with an rpm or tpm limit). */
export function limitChecks(t: Tenant): LimitCheck[] {
  const out: LimitCheck[] = [];
  for (const [kind, id, l] of scopesOf(t)) {
    if (l.rpmLimit !== null || l.tpmLimit !== null) out.push({ scope: `${kind}:${id}`, rpm: l.rpmLimit, tpm: l.tpmLimit });
  }
  return out;
}

function rateLimited(r: Refusal, t: Tenant): GatewayError {
  const [kind, ...rest] = r.scope.split(':');
  const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
  const what = r.kind === 'requests' ? `rpm_limit ${r.limit}: ${r.used} requests` : `tpm_limit ${r.limit}: ${r.used} tokens`;
  const suffix = r.kind === 'requests' ? 'requests' : 'tokens';
  return new GatewayError('GW_ERR_RATE_LIMITED', `Rate limit reached for ${name(kind!, rest.join(':'), t)} (${what} in the last 60 s). Retry in ${seconds} s.`, {
    publicCode: 'rate_limit_exceeded',
    headers: {
      'retry-after': String(seconds),
      'retry-after-ms': String(Math.ceil(r.retryAfterMs)),
      [`x-ratelimit-limit-${suffix}`]: String(r.limit),
      [`x-ratelimit-remaining-${suffix}`]: '0',
      [`x-ratelimit-reset-${suffix}`]: `${seconds}s`,
    },
  });
}

/** OpenAI's rate-limit headers for the tightest window of an admitted call. */
function limitHeaders(checks: readonly LimitCheck[], windows: readonly WindowUsage[], out: Record<string, string>): void {
  let rpm: [number, number] | undefined;
  let tpm: [number, number] | undefined;
  for (const [i, c] of checks.entries()) {
    const w = windows[i]!;
    if (c.rpm !== null && (!rpm || c.rpm - w.requests < rpm[1])) rpm = [c.rpm, Math.max(0, c.rpm - w.requests)];
    if (c.tpm !== null && (!tpm || c.tpm - w.tokens < tpm[1])) tpm = [c.tpm, Math.max(0, c.tpm - w.tokens)];
  }
  if (rpm) [out['x-ratelimit-limit-requests'], out['x-ratelimit-remaining-requests']] = [String(rpm[0]), String(rpm[1])];
  if (tpm) [out['x-ratelimit-limit-tokens'], out['x-ratelimit-remaining-tokens']] = [String(tpm[0]), String(tpm[1])];
}

/**
 * Admits a call or throws its refusal.
 *
 * @example
 * ```ts
 * await admit(deps, request.model, ctx);
 * ```
 */
export async function admit(deps: AdmissionDeps, model: string, ctx: CallContext): Promise<void> {
  const t = await resolveTenant(deps, ctx.principal);
  if (t.admin && !t.key) return;
  for (const [kind, , l] of scopesOf(t)) {
    if (l.models.length > 0 && !allows(l.models, model)) throw forbiddenModel(model, kind === 'key' ? 'key' : kind, l.models);
  }
  const now = Math.floor(deps.now());
  await checkBudgets(deps, t, now);
  const checks = limitChecks(t);
  if (checks.length === 0) return;
  const verdict = await deps.limiter.admit(checks, now);
  if (!verdict.ok) throw rateLimited(verdict.refusal, t);
  limitHeaders(checks, verdict.windows, ctx.responseHeaders);
}

/**
 * Counts a finished call's tokens in its tpm windows.
 *
 * @example
 * ```ts
 * await countTokens(deps, ctx.principal, ctx.usage.total_tokens);
 * ```
 */
export async function countTokens(deps: AdmissionDeps, principal: Principal, tokens: number): Promise<void> {
  if (!(tokens > 0)) return;
  let t: Tenant;
  try {
    t = await resolveTenant(deps, principal);
  } catch {
    return; // a key deleted while its call ran: nothing left to limit
  }
  const scopes = limitChecks(t)
    .filter((c) => c.tpm !== null)
    .map((c) => c.scope);
  if (scopes.length > 0) await deps.limiter.addTokens(scopes, tokens, Math.floor(deps.now()));
}
