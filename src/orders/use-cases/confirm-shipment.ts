import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { canClose, fulfilmentStatus } from '../core/quantities.js';
import { crossControlPoint, gateFailure } from '../crossing.js';
import { bumpOrderVersion, linesOf, lockOrder, moveStock, orderEvent, quantitiesOf } from '../store.js';

/**
 * SHIPMENT_CONFIRMATION: consumes exactly the allocations the shipment lines reference — at their own
 * location — takes the units off on-hand through the ledger, and moves the line from allocated to shipped.
 */
export async function confirmShipment(ctx: UseCaseContext, shipmentId: string, expectedOrderVersion?: number) {
  assertCan(ctx.actor, 'order.write');
  const result = await inTransaction(ctx, async (trx) => {
    const peek = await trx.selectFrom('shipments').select('order_id').where('id', '=', shipmentId).executeTakeFirst();
    if (!peek) throw notFound('shipment');
    const order = (await lockOrder(trx, peek.order_id))!;
    if (expectedOrderVersion !== undefined) assertVersion(order.version, expectedOrderVersion);
    const shipment = await trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId).forUpdate().executeTakeFirstOrThrow();
    if (shipment.status !== 'planned') throw new AppError('conflict', `This shipment is already ${shipment.status}.`);
    const crossing = await crossControlPoint(trx, ctx, order, 'SHIPMENT_CONFIRMATION', { type: 'shipment', id: shipment.id });
    if (!crossing.passed) return { failed: crossing.detail };
    const lines = await trx.selectFrom('shipment_lines').selectAll().where('shipment_id', '=', shipment.id).execute();
    const allocations = await trx.selectFrom('allocations').selectAll().where('id', 'in', lines.map((l) => l.allocation_id)).orderBy('item_id').orderBy('location_id').forUpdate().execute();
    const now = ctx.clock.now();
    for (const a of allocations) {
      const line = lines.find((l) => l.allocation_id === a.id)!;
      if (a.status !== 'active' || a.qty !== line.qty || a.location_id !== shipment.location_id) throw new AppError('conflict', 'An allocation on this shipment changed; re-plan the shipment.');
      await sql`update stock_levels set allocated = allocated - ${a.qty} where item_id = ${a.item_id} and location_id = ${a.location_id}`.execute(trx);
      await moveStock(trx, ctx, [{ itemId: a.item_id, locationId: a.location_id, bucket: 'on_hand', delta: -a.qty, reason: 'shipment', docType: 'shipment', docId: shipment.id }]);
      await trx.updateTable('order_lines').set((eb) => ({ qty_allocated: eb('qty_allocated', '-', a.qty), qty_shipped: eb('qty_shipped', '+', a.qty) })).where('id', '=', line.order_line_id).execute();
    }
    await trx.updateTable('allocations').set({ status: 'consumed', closed_at: now }).where('id', 'in', allocations.map((a) => a.id)).execute();
    await trx.updateTable('shipments').set({ status: 'confirmed', confirmed_at: now }).where('id', '=', shipment.id).execute();
    const after = (await linesOf(trx, order.id)).map(quantitiesOf);
    await orderEvent(trx, ctx, order, fulfilmentStatus(after) === 'shipped' ? 'shipped' : 'partially_shipped', shipment.id);
    if (fulfilmentStatus(after) === 'shipped') await trx.updateTable('sales_orders').set({ shipped_at: now }).where('id', '=', order.id).execute();
    if (canClose(after, order.invoice_policy)) {
      await trx.updateTable('sales_orders').set({ lifecycle: 'closed', closed_at: now }).where('id', '=', order.id).execute();
      await orderEvent(trx, ctx, order, 'closed');
    }
    await bumpOrderVersion(trx, order.id);
    await recordChange(trx, ctx, { event: 'shipment.confirmed', entityType: 'shipment', entityId: shipment.id, after: { orderId: order.id, lines: lines.map((l) => ({ orderLineId: l.order_line_id, allocationId: l.allocation_id, qty: l.qty })) } });
    return { view: { id: shipment.id, orderId: order.id, locationId: shipment.location_id, status: 'confirmed' as const, confirmedAt: now.toISOString(), decisionId: crossing.decisionId } };
  });
  if ('failed' in result) throw gateFailure('SHIPMENT_CONFIRMATION', result.failed!);
  return result.view;
}
