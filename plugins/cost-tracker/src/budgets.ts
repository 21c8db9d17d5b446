/**
 * Budget checks before a call reaches a provider: a call whose scope has spent its budget
 * in the window is refused with 429 `budget_exceeded`.
 */
import { GatewayError, type CallContext, type CallRequest } from '@switchyard/core';
import { windowStart, type Budget } from './options.js';
import type { SpendFilter, SpendRepo } from './spend-repo.js';

/** The scope value of a call for a budget, or undefined when the call has none. */
function scopeValue(b: Budget, ctx: CallContext, request: CallRequest): string | undefined {
  switch (b.scope) {
    case 'key':
      return ctx.principal.keyId;
    case 'user':
      return ctx.principal.userId;
    case 'team':
      return ctx.principal.teamId;
    case 'end_user':
      return typeof request.user === 'string' ? request.user : undefined;
    case 'session':
      return ctx.sessionId;
    case 'model':
      return request.model;
    case 'global':
      return '*';
  }
}

/**
 * Throws `budget_exceeded` when any applicable budget is spent. `pending` is spend not yet
 * written to the store.
 *
 * @example
 * ```ts
 * await checkBudgets(budgets, spend, pending, ctx, request);
 * ```
 */
export async function checkBudgets(
  budgets: readonly Budget[],
  spend: SpendRepo,
  pending: (filter: SpendFilter) => number,
  ctx: CallContext,
  request: CallRequest,
): Promise<void> {
  const now = Date.now();
  for (const b of budgets) {
    const value = scopeValue(b, ctx, request);
    if (value === undefined || (b.id !== undefined && b.id !== value)) continue;
    const filter: SpendFilter = { from: windowStart(b.period, now) };
    if (b.scope !== 'global') filter[b.scope] = value;
    const spent = (await spend.total(filter)) + pending(filter);
    if (spent >= b.maxBudget) {
      throw new GatewayError(
        'GW_ERR_BUDGET_EXCEEDED',
        `Budget exceeded for ${b.scope}${b.scope === 'global' ? '' : ` '${value}'`}: spent $${spent.toFixed(6)} of $${b.maxBudget} (${b.period}).`,
        { publicCode: 'budget_exceeded', headers: { 'x-should-retry': 'false' } },
      );
    }
  }
}
