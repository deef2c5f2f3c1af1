import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { UpdateItemInput } from '../schemas.js';
import { type ItemView, itemView } from '../views.js';

/** Changes an item's name, specs, cost or currency; the SKU is the item's identity and stays. */
export async function updateItem(ctx: UseCaseContext, itemId: string, changes: UpdateItemInput, reason?: string): Promise<ItemView> {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    const current = await trx.selectFrom('items').selectAll().where('id', '=', itemId).forUpdate().executeTakeFirst();
    if (!current) throw notFound('item');
    const row = await trx
      .updateTable('items')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.specs !== undefined && { specs: JSON.stringify(changes.specs) }),
        ...(changes.unitCostMinor !== undefined && { unit_cost_minor: changes.unitCostMinor }),
        ...(changes.currency !== undefined && { currency: changes.currency }),
      })
      .where('id', '=', itemId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = itemView(row);
    await recordChange(trx, ctx, {
      event: 'item.updated',
      entityType: 'item',
      entityId: row.id,
      reason: reason ?? null,
      before: itemView(current),
      after,
    });
    return after;
  });
}
