import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { purchaseOrderViews } from '../document-views.js';

export async function getPurchaseOrder(ctx: UseCaseContext, id: string) {
  assertCan(ctx.actor, 'order.read');
  const row = await ctx.db.selectFrom('purchase_orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('purchase order');
  return (await purchaseOrderViews(ctx.db, [row]))[0]!;
}
