import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { getOrderIn } from '../read-order.js';
import { bumpOrderVersion, lockLines, lockOrder, orderEvent, releaseActiveAllocations } from '../store.js';
import type { OrderView } from '../views.js';

/**
 * Gives an open order's active allocations back to stock (not those already on a planned shipment): the
 * counters move down, the allocation rows are kept as released, and the lines are unallocated again.
 */
export async function releaseAllocations(
  ctx: UseCaseContext,
  orderId: string,
  expectedVersion: number | undefined,
  reason: string,
): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  return inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('order');
    if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
    if (order.lifecycle !== 'submitted' && order.lifecycle !== 'released')
      throw new AppError('conflict', `A ${order.lifecycle} order has no allocations to release.`);
    const lines = await lockLines(trx, order.id);
    const released = await releaseActiveAllocations(
      trx,
      ctx.clock.now(),
      lines.map((l) => l.id),
    );
    if (released.length === 0)
      throw new AppError('conflict', 'The order has no active allocation that is not already on a planned shipment.');
    const perLine = new Map<string, number>();
    for (const a of released) perLine.set(a.order_line_id!, (perLine.get(a.order_line_id!) ?? 0) + a.qty);
    for (const [lineId, qty] of perLine)
      await trx
        .updateTable('order_lines')
        .set((eb) => ({ qty_allocated: eb('qty_allocated', '-', qty) }))
        .where('id', '=', lineId)
        .execute();
    await orderEvent(trx, ctx, order, 'allocation_released');
    await bumpOrderVersion(trx, order.id);
    const after = released.map((a) => ({ allocationId: a.id, itemId: a.item_id, locationId: a.location_id, qty: a.qty }));
    await recordChange(trx, ctx, {
      event: 'order.allocation_released',
      entityType: 'sales_order',
      entityId: order.id,
      reason,
      after: { released: after },
    });
    return getOrderIn(trx, order.id);
  });
}
