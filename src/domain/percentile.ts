// Median and percentiles of durations (response times on the supervision board).
// Linear interpolation between closest ranks (Excel PERCENTILE.INC, numpy's default), so the
// 50th percentile is the ordinary median: the mean of the two middle values of an even count.

/** The p-th percentile (0–100) of values already sorted ascending; null for no values. */
function percentileSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export type Spread = { count: number; median: number | null; p90: number | null };

/** Count, median and 90th percentile of a list of values (any order). */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, median: percentileSorted(sorted, 50), p90: percentileSorted(sorted, 90) };
}
