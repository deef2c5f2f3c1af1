import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { ReceiveGoodsInput } from '../schemas.js';
import { moveStock } from '../store.js';
import { purchaseOrderView } from './create-purchase-order.js';

/** A goods receipt moves units from incoming to on hand; never more than ordered, never before approval. */
export async function receiveGoods(ctx: UseCaseContext, input: ReceiveGoodsInput) {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    const po = await trx.selectFrom('purchase_orders').selectAll().where('id', '=', input.purchaseOrderId).forUpdate().executeTakeFirst();
    if (!po) throw notFound('purchase order');
    if (po.status !== 'ordered') throw new AppError('conflict', `A ${po.status} purchase order cannot be received.`);
    const lines = new Map((await trx.selectFrom('purchase_order_lines').selectAll().where('purchase_order_id', '=', po.id).forUpdate().execute()).map((l) => [l.id, l]));
    const seen = new Set<string>();
    for (const [i, r] of input.lines.entries()) {
      const line = lines.get(r.lineId);
      if (!line) throw invalidField(`lines[${i}].lineId`, 'no such line on this purchase order');
      if (seen.has(line.id)) throw invalidField(`lines[${i}].lineId`, 'listed twice');
      seen.add(line.id);
      if (r.qty > line.qty_ordered - line.qty_received) throw invalidField(`lines[${i}].qty`, `only ${line.qty_ordered - line.qty_received} units are still expected`);
      await moveStock(trx, ctx, [
        { itemId: line.item_id, locationId: po.location_id, bucket: 'on_hand', delta: r.qty, reason: 'goods receipt', docType: 'purchase_order', docId: po.id },
        { itemId: line.item_id, locationId: po.location_id, bucket: 'incoming', delta: -r.qty, reason: 'goods receipt', docType: 'purchase_order', docId: po.id },
      ]);
      await trx.updateTable('purchase_order_lines').set((eb) => ({ qty_received: eb('qty_received', '+', r.qty) })).where('id', '=', line.id).execute();
    }
    const after = await trx.selectFrom('purchase_order_lines').selectAll().where('purchase_order_id', '=', po.id).execute();
    const done = after.every((l) => l.qty_received === l.qty_ordered);
    const updated = await trx.updateTable('purchase_orders').set((eb) => ({ version: eb('version', '+', 1), ...(done && { status: 'received' as const }) })).where('id', '=', po.id).returningAll().executeTakeFirstOrThrow();
    const view = purchaseOrderView(updated, after);
    await recordChange(trx, ctx, { event: 'purchase_order.received', entityType: 'purchase_order', entityId: po.id, after: view });
    return view;
  });
}
