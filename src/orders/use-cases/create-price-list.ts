import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreatePriceListInput } from '../schemas.js';

export async function createPriceList(ctx: UseCaseContext, input: CreatePriceListInput): Promise<{ id: string; name: string; itemCount: number }> {
  assertCan(ctx.actor, 'order.configure');
  if (input.validTo && input.validTo <= input.validFrom) throw invalidField('validTo', 'must be after validFrom');
  const keys = new Set(input.items.map((i) => `${i.itemId}|${i.minQuantity}`));
  if (keys.size !== input.items.length) throw invalidField('items', 'lists the same item and minimum quantity twice');
  return inTransaction(ctx, async (trx) => {
    if (input.channelId && !(await trx.selectFrom('channels').select('id').where('id', '=', input.channelId).executeTakeFirst())) throw invalidField('channelId', 'no such channel');
    const itemIds = [...new Set(input.items.map((i) => i.itemId))];
    const found = await trx.selectFrom('items').select('id').where('id', 'in', itemIds).execute();
    if (found.length !== itemIds.length) throw invalidField('items', 'names an unknown item');
    const row = await trx
      .insertInto('price_lists')
      .values({ name: input.name, currency: input.currency, channel_id: input.channelId ?? null, tier: input.tier ?? null, valid_from: input.validFrom, valid_to: input.validTo ?? null, priority: input.priority, created_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('price_list_items').values(input.items.map((i) => ({ price_list_id: row.id, item_id: i.itemId, min_quantity: i.minQuantity, unit_price_minor: i.unitPriceMinor }))).execute();
    const view = { id: row.id, name: row.name, itemCount: input.items.length };
    await recordChange(trx, ctx, { event: 'price_list.created', entityType: 'price_list', entityId: row.id, after: view });
    return view;
  });
}
