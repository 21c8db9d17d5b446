/**
 * LiteLLM's durations (`30s`, `30m`, `30h`, `30d`, `1w`, `1mo`, `1y`) and budget periods that
 * reset every duration from an anchor (the key's creation, or its last budget change).
 */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, mo: 2_592_000_000, y: 31_536_000_000 };
const DURATION = /^(\d{1,9})(s|m|h|d|w|mo|y)$/;

/**
 * A duration in milliseconds, or undefined when `text` is not one.
 *
 * @example
 * ```ts
 * durationMs('30d'); // 2592000000
 * durationMs('1mo'); // 30 days
 * ```
 */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n * UNIT_MS[m[2]!]! : undefined;
}

/** Whether `text` is a duration. */
export const isDuration = (text: string): boolean => durationMs(text) !== undefined;

/** The budget period a moment falls in: its start (inclusive) and when it resets. */
export interface BudgetPeriod {
  start: number;
  resetAt: number;
}

/**
 * The period of a budget that resets every `duration` from `anchor`, at `now`; `undefined`
 * duration = one period for ever (start 0, never resets).
 *
 * @example
 * ```ts
 * budgetPeriod(0, '1h', 5_400_000); // { start: 3_600_000, resetAt: 7_200_000 }
 * ```
 */
export function budgetPeriod(anchor: number, duration: string | null | undefined, now: number): BudgetPeriod | undefined {
  if (!duration) return undefined;
  const ms = durationMs(duration);
  if (ms === undefined) return undefined;
  const k = Math.max(0, Math.floor((now - anchor) / ms));
  return { start: anchor + k * ms, resetAt: anchor + (k + 1) * ms };
}
