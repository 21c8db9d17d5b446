/**
 * Percentiles of latency samples (milliseconds, sub-millisecond precision).
 */

/** Summary of a latency sample. */
export interface Latency {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/**
 * Nearest-rank percentiles of `samples` (sorted in place).
 *
 * @example
 * ```ts
 * summarize([1, 2, 3]); // { n: 3, p50: 2, p99: 3, mean: 2 }
 * ```
 */
export function summarize(samples: Float64Array | number[]): Latency {
  const n = samples.length;
  if (n === 0) return { n: 0, p50: NaN, p99: NaN, mean: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n, p50: r3(at(50)), p99: r3(at(99)), mean: r3(sum / n) };
}

/** Rounds to 3 decimals. */
export function r3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
