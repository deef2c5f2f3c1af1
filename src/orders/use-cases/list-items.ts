import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { itemView } from '../views.js';

export async function listItems(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'order.read');
  return { items: (await ctx.db.selectFrom('items').selectAll().orderBy('sku').limit(1000).execute()).map(itemView), nextCursor: null };
}
