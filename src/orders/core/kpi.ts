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

const DAY_MS = 86_400_000;

/**
 * Splits a KPI window [from, to) into the whole UTC days the daily rollup answers exactly and the partial-day
 * edges read from the raw rows: days [fromDay, toDay) plus edges [from, fromDay) and [toDay, to). A window
 * inside one day is all edge.
 */
export function splitKpiWindow(from: Date, to: Date): { days: { from: string; to: string } | null; edges: Array<[Date, Date]> } {
  const firstMidnight = Math.ceil(from.getTime() / DAY_MS) * DAY_MS;
  const lastMidnight = Math.floor(to.getTime() / DAY_MS) * DAY_MS;
  if (firstMidnight >= lastMidnight) return { days: null, edges: from < to ? [[from, to]] : [] };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const edges: Array<[Date, Date]> = [];
  if (from.getTime() < firstMidnight) edges.push([from, new Date(firstMidnight)]);
  if (lastMidnight < to.getTime()) edges.push([new Date(lastMidnight), to]);
  return { days: { from: day(firstMidnight), to: day(lastMidnight) }, edges };
}

/** PostgreSQL's percentile_cont over n sorted values: the 0-based ranks it reads and the weight of the upper one. */
export function percentileContRanks(n: number, p: number): { lo: number; hi: number; proportion: number } {
  const at = p * (n - 1);
  const lo = Math.floor(at);
  return { lo, hi: Math.ceil(at), proportion: at - lo };
}

/** percentile_cont's interpolation (float8_lerp), bit for bit: lo + proportion × (hi − lo); lo alone when the ranks coincide. */
export const percentileContValue = (lo: number, hi: number, sameRank: boolean, proportion: number): number =>
  sameRank ? lo : lo + proportion * (hi - lo);

/** Which bucket of a histogram (sorted by bucket) holds the value of 0-based rank r, and its offset inside it. */
export function rankInHistogram(histogram: Array<{ bucket: number; n: number }>, rank: number): { bucket: number; offset: number } {
  let before = 0;
  for (const h of histogram) {
    if (rank < before + h.n) return { bucket: h.bucket, offset: rank - before };
    before += h.n;
  }
  throw new RangeError(`rank ${rank} is beyond the histogram's ${before} values`);
}
