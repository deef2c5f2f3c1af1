import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { getOrderIn } from '../read-order.js';
import { bumpOrderVersion, lockLines, lockOrder, orderEvent, releaseActiveAllocations } from '../store.js';
import type { OrderView } from '../views.js';

/** Cancels what is not shipped: active allocations are released (counters back), the rest of each line cancelled. */
export async function cancelOrder(ctx: UseCaseContext, orderId: string, expectedVersion: number | undefined, reason: string): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  return inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('order');
    if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
    if (order.lifecycle === 'cancelled' || order.lifecycle === 'closed') throw new AppError('conflict', `A ${order.lifecycle} order cannot be cancelled.`);
    const lines = await lockLines(trx, order.id);
    if (lines.some((l) => l.qty_shipped > 0)) throw new AppError('rule_violation', 'Part of this order has shipped; return it instead.');
    await releaseActiveAllocations(trx, ctx.clock.now(), lines.map((l) => l.id), { includePlanned: true });
    await trx.updateTable('order_lines').set((eb) => ({ qty_allocated: 0, qty_cancelled: eb.ref('qty_ordered') })).where('order_id', '=', order.id).execute();
    await trx.updateTable('sales_orders').set({ lifecycle: 'cancelled' }).where('id', '=', order.id).execute();
    await bumpOrderVersion(trx, order.id);
    await orderEvent(trx, ctx, order, 'cancelled');
    await recordChange(trx, ctx, { event: 'order.cancelled', entityType: 'sales_order', entityId: order.id, reason });
    return getOrderIn(trx, order.id);
  });
}
