import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreatePurchaseOrderInput } from '../schemas.js';
import { moveStock } from '../store.js';

/** Above this total a purchase order waits for a second person's approval (Odoo two_step). */
export const PO_APPROVAL_THRESHOLD_MINOR = 500_000;

export async function createPurchaseOrder(ctx: UseCaseContext, input: CreatePurchaseOrderInput) {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    const location = await trx.selectFrom('locations').select(['id', 'kind']).where('id', '=', input.locationId).executeTakeFirst();
    if (!location || location.kind === 'in_transit') throw invalidField('locationId', 'no such receiving location');
    const itemIds = [...new Set(input.lines.map((l) => l.itemId))];
    if ((await trx.selectFrom('items').select('id').where('id', 'in', itemIds).execute()).length !== itemIds.length) throw invalidField('lines', 'names an unknown item');
    const total = input.lines.reduce((a, l) => a + l.qty * l.unitCostMinor, 0);
    const status = total > PO_APPROVAL_THRESHOLD_MINOR ? ('pending_approval' as const) : ('ordered' as const);
    const po = await trx.insertInto('purchase_orders').values({ supplier: input.supplier, location_id: location.id, status, total_minor: total, created_by: actorOf(ctx).id, created_at: ctx.clock.now() }).returningAll().executeTakeFirstOrThrow();
    const lines = await trx.insertInto('purchase_order_lines').values(input.lines.map((l) => ({ purchase_order_id: po.id, item_id: l.itemId, qty_ordered: l.qty, unit_cost_minor: l.unitCostMinor }))).returningAll().execute();
    if (status === 'ordered') await moveStock(trx, ctx, lines.map((l) => ({ itemId: l.item_id, locationId: po.location_id, bucket: 'incoming' as const, delta: l.qty_ordered, reason: 'purchase ordered', docType: 'purchase_order', docId: po.id })));
    const view = purchaseOrderView(po, lines);
    await recordChange(trx, ctx, { event: 'purchase_order.created', entityType: 'purchase_order', entityId: po.id, after: view });
    return view;
  });
}

export const purchaseOrderView = (
  po: { id: string; supplier: string; location_id: string; status: string; total_minor: string; version: number },
  lines: Array<{ id: string; item_id: string; qty_ordered: number; qty_received: number; unit_cost_minor: string }>,
) => ({
  id: po.id,
  supplier: po.supplier,
  locationId: po.location_id,
  status: po.status,
  totalMinor: Number(po.total_minor),
  version: po.version,
  lines: lines.map((l) => ({ id: l.id, itemId: l.item_id, qtyOrdered: l.qty_ordered, qtyReceived: l.qty_received, unitCostMinor: Number(l.unit_cost_minor) })),
});
