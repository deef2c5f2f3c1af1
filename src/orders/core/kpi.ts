/** Nearest-rank percentile of a sample (null when empty). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Spread of channel medians: max − min (null with fewer than one channel). */
export function spread(medians: Array<number | null>): number | null {
  const present = medians.filter((m): m is number => m !== null);
  return present.length === 0 ? null : Math.max(...present) - Math.min(...present);
}

/** Inventory accuracy of one count: 1 − |counted − expected| / expected (1 when both are 0, floored at 0). */
export function countAccuracy(expected: number, counted: number): number {
  if (expected === 0) return counted === 0 ? 1 : 0;
  return Math.max(0, 1 - Math.abs(counted - expected) / expected);
}

export const ratio = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
