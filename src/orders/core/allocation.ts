export type AllocationRequest = { lineId: string; itemId: string; qty: number };
export type LevelAvailability = { itemId: string; locationId: string; available: number };
export type PlannedAllocation = { lineId: string; itemId: string; locationId: string; qty: number };
export type Shortage = { lineId: string; itemId: string; requested: number; short: number };
export type AllocationPlan = { allocations: PlannedAllocation[]; shortages: Shortage[] };
export type AllocationStrategy = 'priority' | 'most_stock';

/**
 * Splits each request across the channel's locations (priority order, or most stock first) against ONE
 * running availability per (item, location), so two lines of the same item never both count the same units
 * (Medusa #16502). Any shortage makes the whole plan void: callers allocate all or nothing.
 */
export function planAllocation(
  requests: AllocationRequest[],
  locationOrder: string[],
  levels: LevelAvailability[],
  strategy: AllocationStrategy = 'priority',
): AllocationPlan {
  const remaining = new Map<string, number>();
  for (const level of levels) remaining.set(`${level.itemId}|${level.locationId}`, Math.max(0, level.available));
  const allocations: PlannedAllocation[] = [];
  const shortages: Shortage[] = [];
  for (const request of requests) {
    let need = request.qty;
    const order =
      strategy === 'most_stock'
        ? [...locationOrder].sort((a, b) => (remaining.get(`${request.itemId}|${b}`) ?? 0) - (remaining.get(`${request.itemId}|${a}`) ?? 0))
        : locationOrder;
    for (const locationId of order) {
      if (need === 0) break;
      const key = `${request.itemId}|${locationId}`;
      const free = remaining.get(key) ?? 0;
      const take = Math.min(free, need);
      if (take <= 0) continue;
      remaining.set(key, free - take);
      need -= take;
      allocations.push({ lineId: request.lineId, itemId: request.itemId, locationId, qty: take });
    }
    if (need > 0) shortages.push({ lineId: request.lineId, itemId: request.itemId, requested: request.qty, short: need });
  }
  return shortages.length > 0 ? { allocations: [], shortages } : { allocations, shortages };
}

/** Channel availability: per-location availability capped at 0 before summing (Saleor PR #17170). */
export const channelAvailable = (levels: Array<{ onHand: number; allocated: number; quarantined: number }>) =>
  levels.reduce((acc, l) => acc + Math.max(0, l.onHand - l.allocated - l.quarantined), 0);

/**
 * What a plan takes from each (item, location) level, summed over its lines, in the order levels are locked
 * everywhere (item, then location — the same order as `ORDER BY item_id, location_id` on uuids), so concurrent
 * allocations queue on a shared level instead of deadlocking.
 */
export function levelTakes(allocations: PlannedAllocation[]): Array<{ itemId: string; locationId: string; qty: number }> {
  const byLevel = new Map<string, { itemId: string; locationId: string; qty: number }>();
  for (const a of allocations) {
    const key = `${a.itemId}|${a.locationId}`;
    const level = byLevel.get(key) ?? { itemId: a.itemId, locationId: a.locationId, qty: 0 };
    level.qty += a.qty;
    byLevel.set(key, level);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byLevel.values()].sort((a, b) => cmp(a.itemId, b.itemId) || cmp(a.locationId, b.locationId));
}
