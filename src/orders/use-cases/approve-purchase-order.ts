import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { moveStock } from '../store.js';
import { purchaseOrderView } from './create-purchase-order.js';

export async function approvePurchaseOrder(ctx: UseCaseContext, id: string, expectedVersion?: number) {
  assertCan(ctx.actor, 'purchase.approve');
  return inTransaction(ctx, async (trx) => {
    const po = await trx.selectFrom('purchase_orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!po) throw notFound('purchase order');
    if (expectedVersion !== undefined) assertVersion(po.version, expectedVersion);
    if (po.status !== 'pending_approval') throw new AppError('conflict', `This purchase order is ${po.status}.`);
    const actor = actorOf(ctx).id;
    if (actor !== null && actor === po.created_by) throw new AppError('rule_violation', 'Whoever raised the purchase order cannot approve it.');
    const updated = await trx.updateTable('purchase_orders').set((eb) => ({ status: 'ordered', approved_by: actor, version: eb('version', '+', 1) })).where('id', '=', po.id).returningAll().executeTakeFirstOrThrow();
    const lines = await trx.selectFrom('purchase_order_lines').selectAll().where('purchase_order_id', '=', po.id).execute();
    await moveStock(trx, ctx, lines.map((l) => ({ itemId: l.item_id, locationId: po.location_id, bucket: 'incoming' as const, delta: l.qty_ordered, reason: 'purchase ordered', docType: 'purchase_order', docId: po.id })));
    const view = purchaseOrderView(updated, lines);
    await recordChange(trx, ctx, { event: 'purchase_order.approved', entityType: 'purchase_order', entityId: po.id, before: { status: po.status }, after: view });
    return view;
  });
}
