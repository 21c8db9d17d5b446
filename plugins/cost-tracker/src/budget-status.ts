/**
 * `GET /spend/budgets`: each configured budget with what was spent in its window now, for
 * dashboards (the console shows them against their limits). A budget of each value of a
 * scope (no `id`: each key, each session...) is listed per value that spent in the window,
 * most spent first.
 */
import type { RouteDefinition, RouteRequest } from '@switchyard/core';
import { windowStart, type Budget } from './options.js';
import { type DIMENSIONS, type SpendFilter, type SpendRepo } from './spend-repo.js';

/** One budget's standing. */
export interface BudgetStatus {
  scope: Budget['scope'];
  /** The scope value; null for the global budget. */
  id: string | null;
  /** True when the budget applies to each value of its scope (this is one of them). */
  per_value: boolean;
  period: string;
  max_budget: number;
  /** Epoch ms the window starts at; null for `total`. */
  window_start: number | null;
  spent: number;
  remaining: number;
  exceeded: boolean;
}

/** Values listed for a budget of each value of a scope. */
const MAX_VALUES = 20;

/**
 * The values of its scope a caller may see budgets of: everything for an admin or without
 * keys; a key sees the budgets of its own key, user and team only.
 */
function visible(req: RouteRequest): ((b: Budget) => string | undefined | null) | undefined {
  const { keyId, userId, teamId, admin } = req.principal;
  if (admin || keyId === undefined) return undefined;
  return (b) => (b.scope === 'key' ? keyId : b.scope === 'user' ? (userId ?? null) : b.scope === 'team' ? (teamId ?? null) : null);
}

const status = (b: Budget, id: string | null, perValue: boolean, from: number | undefined, spent: number): BudgetStatus => ({
  scope: b.scope,
  id,
  per_value: perValue,
  period: b.period,
  max_budget: b.maxBudget,
  window_start: from ?? null,
  spent,
  remaining: Math.max(0, b.maxBudget - spent),
  exceeded: spent >= b.maxBudget,
});

/**
 * The budgets route.
 *
 * @example
 * ```ts
 * routes.add(budgetsRoute(opts.budgets, spend, pending, flush));
 * ```
 */
export function budgetsRoute(budgets: readonly Budget[], spend: SpendRepo, pending: (f: SpendFilter) => number, flush: () => Promise<void>): RouteDefinition {
  return {
    method: 'GET',
    path: '/spend/budgets',
    async handler(req) {
      await flush();
      const only = visible(req);
      const now = Date.now();
      const data: BudgetStatus[] = [];
      for (const b of budgets) {
        const from = windowStart(b.period, now);
        const own = only?.(b);
        if (own === null) continue; // not this caller's to see
        if (b.scope === 'global') {
          data.push(status(b, null, false, from, (await spend.total({ from })) + pending({ from })));
          continue;
        }
        const value = b.id ?? own;
        if (own !== undefined && b.id !== undefined && b.id !== own) continue;
        if (value !== undefined) {
          const f: SpendFilter = { from, [b.scope]: value };
          data.push(status(b, value, b.id === undefined, from, (await spend.total(f)) + pending(f)));
          continue;
        }
        const groups = await spend.report({ from }, b.scope as keyof typeof DIMENSIONS);
        const top = groups
          .filter((g): g is typeof g & { group: string } => g.group !== null)
          .sort((x, y) => (y.cost ?? 0) - (x.cost ?? 0))
          .slice(0, MAX_VALUES);
        for (const g of top) data.push(status(b, g.group, true, from, (g.cost ?? 0) + pending({ from, [b.scope]: g.group })));
      }
      return { body: { object: 'list', data } };
    },
  };
}
