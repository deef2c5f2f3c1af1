import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { openHoldCount } from '../read-order.js';
import type { CreateShipmentInput } from '../schemas.js';
import { lockOrder } from '../store.js';

/**
 * Plans a shipment from one location that names the allocations it will consume. Shipping part of an
 * allocation splits it, so the shipment line owns exactly the units it ships and the rest stays allocated.
 */
export async function createShipment(ctx: UseCaseContext, input: CreateShipmentInput, expectedOrderVersion?: number) {
  assertCan(ctx.actor, 'order.write');
  const ids = input.lines.map((l) => l.allocationId);
  if (new Set(ids).size !== ids.length) throw invalidField('lines', 'names an allocation twice');
  return inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, input.orderId);
    if (!order) throw notFound('order');
    if (expectedOrderVersion !== undefined) assertVersion(order.version, expectedOrderVersion);
    if (order.lifecycle !== 'released') throw new AppError('conflict', 'Only a released order ships.');
    if ((await openHoldCount(trx, order.id)) > 0) throw new AppError('conflict', 'The order is on hold.');
    const allocations = await trx
      .selectFrom('allocations')
      .innerJoin('order_lines', 'order_lines.id', 'allocations.order_line_id')
      .selectAll('allocations')
      .where('allocations.id', 'in', ids)
      .where('order_lines.order_id', '=', order.id)
      .orderBy('allocations.id')
      .forUpdate()
      .execute();
    const byId = new Map(allocations.map((a) => [a.id, a]));
    const planned = await trx.selectFrom('shipment_lines').innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id').select('allocation_id').where('allocation_id', 'in', ids).where('shipments.status', '=', 'planned').execute();
    const locationIds = new Set<string>();
    input.lines.forEach((l, i) => {
      const a = byId.get(l.allocationId);
      if (!a) throw invalidField(`lines[${i}].allocationId`, 'no such allocation on this order');
      if (a.status !== 'active') throw invalidField(`lines[${i}].allocationId`, `allocation is ${a.status}`);
      if (planned.some((p) => p.allocation_id === a.id)) throw invalidField(`lines[${i}].allocationId`, 'already on a planned shipment');
      if (l.qty > a.qty) throw invalidField(`lines[${i}].qty`, `exceeds the allocated ${a.qty}`);
      locationIds.add(a.location_id);
    });
    if (locationIds.size !== 1) throw invalidField('lines', 'a shipment leaves from one location; split it per location');
    const now = ctx.clock.now();
    const shipment = await trx.insertInto('shipments').values({ order_id: order.id, location_id: [...locationIds][0]!, created_at: now }).returningAll().executeTakeFirstOrThrow();
    for (const l of input.lines) {
      const a = byId.get(l.allocationId)!;
      if (l.qty < a.qty) {
        await trx.updateTable('allocations').set({ qty: l.qty }).where('id', '=', a.id).execute();
        await trx.insertInto('allocations').values({ order_line_id: a.order_line_id, item_id: a.item_id, location_id: a.location_id, qty: a.qty - l.qty, created_at: a.created_at }).execute();
      }
      await trx.insertInto('shipment_lines').values({ shipment_id: shipment.id, order_line_id: a.order_line_id!, allocation_id: a.id, qty: l.qty }).execute();
    }
    const view = { id: shipment.id, orderId: order.id, locationId: shipment.location_id, status: shipment.status, lines: input.lines };
    await recordChange(trx, ctx, { event: 'shipment.created', entityType: 'shipment', entityId: shipment.id, after: view });
    return view;
  });
}
