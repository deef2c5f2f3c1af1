import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { recordChange } from '../../platform/record-change.js';
import type { CycleCountInput } from '../schemas.js';
import { moveStock, openException } from '../store.js';

/**
 * A count records the variance against the counter and posts it to the ledger as a count adjustment, so
 * inventory accuracy is measurable; a count that would drop below what is allocated opens an exception instead.
 */
export async function recordCycleCount(ctx: UseCaseContext, input: CycleCountInput) {
  assertCan(ctx.actor, 'stock.manage');
  const result = await inTransaction(ctx, async (trx) => {
    const level = await trx.selectFrom('stock_levels').selectAll().where('item_id', '=', input.itemId).where('location_id', '=', input.locationId).forUpdate().executeTakeFirst();
    if (!level) throw invalidField('itemId', 'no stock level for this item at this location');
    const count = await trx
      .insertInto('cycle_counts')
      .values({ item_id: input.itemId, location_id: input.locationId, expected: level.on_hand, counted: input.counted, counted_by: actorOf(ctx).id, counted_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    const variance = input.counted - level.on_hand;
    if (variance !== 0) {
      if (input.counted < level.allocated + level.quarantined) {
        await openException(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', category: 'count_below_allocated', subjectType: 'cycle_count', subjectId: count.id, orderId: null, channelId: null, detail: `counted ${input.counted}, allocated ${level.allocated}` });
      } else {
        await moveStock(trx, ctx, [{ itemId: input.itemId, locationId: input.locationId, bucket: 'on_hand', delta: variance, reason: 'cycle count', docType: 'cycle_count', docId: count.id }]);
      }
    }
    const view = { id: count.id, itemId: count.item_id, locationId: count.location_id, expected: count.expected, counted: count.counted, variance: count.variance };
    await recordChange(trx, ctx, { event: 'stock.counted', entityType: 'cycle_count', entityId: count.id, after: view });
    return { view, belowAllocated: variance !== 0 && input.counted < level.allocated + level.quarantined };
  });
  // The count and its exception case are committed; the caller still hears that the counter was not moved.
  if (result.belowAllocated) throw new AppError('rule_violation', 'Counted less than is allocated or quarantined; the count and an exception case were recorded, the counter was not changed.');
  return result.view;
}
