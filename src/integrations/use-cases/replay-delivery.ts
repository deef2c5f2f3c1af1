import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { attemptsOf, findDelivery } from '../store.js';
import { type DeliveryView, deliveryView } from '../views.js';

/** Sends the event again at the next run, with a fresh attempt budget; the log of earlier attempts stays. */
export async function replayDelivery(ctx: UseCaseContext, deliveryId: string, reason?: string): Promise<DeliveryView> {
  assertCan(ctx.actor, 'integration.manage');
  return inTransaction(ctx, async (trx) => {
    const current = await trx.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).forUpdate().executeTakeFirst();
    if (!current) throw notFound('delivery');
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: ctx.clock.now(), delivered_at: null })
      .where('id', '=', deliveryId)
      .execute();
    await recordChange(trx, ctx, {
      event: 'webhook.delivery_replayed',
      entityType: 'webhook_delivery',
      entityId: deliveryId,
      reason: reason ?? null,
      before: { status: current.status, attempts: current.attempts },
      after: { status: 'pending' },
    });
    const row = (await findDelivery(trx, deliveryId))!;
    return deliveryView(row, await attemptsOf(trx, [deliveryId]));
  });
}
