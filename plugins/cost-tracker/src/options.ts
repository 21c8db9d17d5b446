/**
 * Options of the cost tracker.
 */
import { z } from '@switchyard/core';

const Period = z.union([z.literal('total'), z.enum(['daily', 'weekly', 'monthly']), z.string().regex(/^\d+[smhd]$/, "a duration like '30d', '12h' or 'total'")]);

/** A budget: a spend limit for one scope (or each value of it) over a period. */
export const BudgetSchema = z.strictObject({
  /** What the budget applies to. */
  scope: z.enum(['key', 'user', 'team', 'end_user', 'session', 'model', 'global']),
  /** The scope value it applies to; omitted = each value separately (each key, each session...). */
  id: z.string().min(1).optional(),
  /** Limit in USD. */
  maxBudget: z.number().min(0),
  /** Rolling window (`daily` = 24h) or `total`. Default `monthly`. */
  period: Period.default('monthly'),
});

/** Options schema. */
export const CostOptionsSchema = z.strictObject({
  budgets: z.array(BudgetSchema).default([]),
  /** Discount applied to database prices for batch lines without batch prices (default 0.5). */
  batchDiscount: z.number().min(0).max(1).default(0.5),
  /** Response header carrying the call's cost (non-streamed responses). */
  header: z.string().min(1).default('x-switchyard-response-cost'),
});

/** Parsed options. */
export type CostOptions = z.output<typeof CostOptionsSchema>;
/** A parsed budget. */
export type Budget = z.output<typeof BudgetSchema>;

const UNIT: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The start (epoch ms) of a budget's window at `now`, or undefined for `total`.
 *
 * @example
 * ```ts
 * windowStart('daily', Date.now()); // 24 hours ago
 * ```
 */
export function windowStart(period: string, now: number): number | undefined {
  if (period === 'total') return undefined;
  const named = { daily: '1d', weekly: '7d', monthly: '30d' }[period] ?? period;
  const m = /^(\d+)([smhd])$/.exec(named)!;
  return now - Number(m[1]) * UNIT[m[2]!]!;
}
