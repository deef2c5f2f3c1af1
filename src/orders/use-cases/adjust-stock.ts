import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { AdjustStockInput } from '../schemas.js';
import { moveStock } from '../store.js';

/** A manual receipt or write-off: one ledger row and the counter, refused if it would break a CHECK. */
export async function adjustStock(ctx: UseCaseContext, given: Omit<AdjustStockInput, 'bucket'> & { bucket?: AdjustStockInput['bucket'] }) {
  assertCan(ctx.actor, 'stock.manage');
  const input = { ...given, bucket: given.bucket ?? 'on_hand' };
  return inTransaction(ctx, async (trx) => {
    if (!(await trx.selectFrom('items').select('id').where('id', '=', input.itemId).executeTakeFirst())) throw invalidField('itemId', 'no such item');
    if (!(await trx.selectFrom('locations').select('id').where('id', '=', input.locationId).executeTakeFirst())) throw invalidField('locationId', 'no such location');
    await trx.selectFrom('stock_levels').select('item_id').where('item_id', '=', input.itemId).where('location_id', '=', input.locationId).forUpdate().executeTakeFirst();
    try {
      await moveStock(trx, ctx, [{ itemId: input.itemId, locationId: input.locationId, bucket: input.bucket, delta: input.delta, reason: input.reason, docType: 'adjustment', docId: null }]);
    } catch (error) {
      if ((error as { code?: string }).code === '23514') throw new AppError('rule_violation', 'The adjustment would leave stock negative or below what is allocated.', [{ path: 'delta', message: 'exceeds what is free at this location' }]);
      throw error;
    }
    const level = await trx.selectFrom('stock_levels').selectAll().where('item_id', '=', input.itemId).where('location_id', '=', input.locationId).executeTakeFirstOrThrow();
    const view = { itemId: level.item_id, locationId: level.location_id, onHand: level.on_hand, allocated: level.allocated, quarantined: level.quarantined, incoming: level.incoming };
    await recordChange(trx, ctx, { event: 'stock.adjusted', entityType: 'stock_level', entityId: input.itemId, reason: input.reason, after: { ...view, bucket: input.bucket, delta: input.delta } });
    return view;
  });
}
