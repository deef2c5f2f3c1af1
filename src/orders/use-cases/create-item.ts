import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateItemInput } from '../schemas.js';
import { type ItemView, itemView } from '../views.js';

export async function createItem(ctx: UseCaseContext, input: CreateItemInput): Promise<ItemView> {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    if (await trx.selectFrom('items').select('id').where('sku', '=', input.sku).executeTakeFirst()) throw new AppError('conflict', 'An item with this SKU exists.', [{ path: 'sku', message: 'already in use' }]);
    const row = await trx
      .insertInto('items')
      .values({ sku: input.sku, name: input.name, specs: JSON.stringify(input.specs), unit_cost_minor: input.unitCostMinor, currency: input.currency, created_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = itemView(row);
    await recordChange(trx, ctx, { event: 'item.created', entityType: 'item', entityId: row.id, after: view });
    return view;
  });
}
