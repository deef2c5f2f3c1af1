import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { channelAvailable } from '../core/allocation.js';
import { channelLocationIds } from '../store.js';

export type StockQuery = { itemId?: string; locationId?: string; channelId?: string };

/** Levels per (item, location) and, for a channel, availability summed over its locations. */
export async function getStock(ctx: UseCaseContext, query: StockQuery) {
  assertCan(ctx.actor, 'order.read');
  let q = ctx.db.selectFrom('stock_levels').innerJoin('items', 'items.id', 'stock_levels.item_id').select(['item_id', 'location_id', 'on_hand', 'allocated', 'quarantined', 'incoming', 'items.sku']);
  if (query.itemId) q = q.where('item_id', '=', query.itemId);
  if (query.locationId) q = q.where('location_id', '=', query.locationId);
  const locations = query.channelId ? await channelLocationIds(ctx.db, query.channelId) : null;
  if (locations) q = locations.length ? q.where('location_id', 'in', locations) : q.where('location_id', 'is', null);
  const rows = await q.orderBy('items.sku').orderBy('location_id').limit(5000).execute();
  const levels = rows.map((r) => ({
    itemId: r.item_id,
    sku: r.sku,
    locationId: r.location_id,
    onHand: r.on_hand,
    allocated: r.allocated,
    quarantined: r.quarantined,
    incoming: r.incoming,
    available: r.on_hand - r.allocated - r.quarantined,
    projected: r.on_hand - r.allocated - r.quarantined + r.incoming,
  }));
  const byItem = new Map<string, typeof levels>();
  for (const l of levels) byItem.set(l.itemId, [...(byItem.get(l.itemId) ?? []), l]);
  const channel = locations
    ? [...byItem.entries()].map(([itemId, ls]) => ({ itemId, sku: ls[0]!.sku, available: channelAvailable(ls), projected: channelAvailable(ls) + ls.reduce((a, l) => a + l.incoming, 0) }))
    : null;
  return { levels, channel };
}
