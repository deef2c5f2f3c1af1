import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { lockOrder, orderEvent } from '../store.js';

/**
 * Releases one hold (the others stay). Whoever created the order may not release its holds (no self-approval);
 * the hold's exception case is resolved with it.
 */
export async function releaseHold(ctx: UseCaseContext, holdId: string, reason: string) {
  assertCan(ctx.actor, 'order.release');
  return inTransaction(ctx, async (trx) => {
    const peek = await trx.selectFrom('holds').select('order_id').where('id', '=', holdId).executeTakeFirst();
    if (!peek) throw notFound('hold');
    const order = (await lockOrder(trx, peek.order_id))!;
    const hold = await trx.selectFrom('holds').selectAll().where('id', '=', holdId).forUpdate().executeTakeFirstOrThrow();
    if (hold.released_at) throw new AppError('conflict', 'This hold is already released.');
    const actor = actorOf(ctx);
    if (actor.id !== null && actor.id === order.created_by) throw new AppError('rule_violation', 'Whoever created the order cannot release its holds.');
    const now = ctx.clock.now();
    const released = await trx.updateTable('holds').set({ released_at: now, released_by: actor.id ?? '00000000-0000-0000-0000-000000000000', release_reason: reason }).where('id', '=', hold.id).returningAll().executeTakeFirstOrThrow();
    await trx
      .updateTable('order_exceptions')
      .set((eb) => ({ status: 'resolved', resolved_at: now, version: eb('version', '+', 1) }))
      .where('order_id', '=', order.id)
      .where('control_point', '=', hold.control_point)
      .where('category', '=', hold.type)
      .where('status', '=', 'open')
      .execute();
    await orderEvent(trx, ctx, order, 'hold_released', hold.id);
    await recordChange(trx, ctx, { event: 'hold.released', entityType: 'hold', entityId: hold.id, reason, before: { releasedAt: null }, after: { releasedAt: now.toISOString(), type: hold.type } });
    return { id: released.id, orderId: released.order_id, type: released.type, reason: released.reason, openedAt: released.opened_at.toISOString(), releasedAt: now.toISOString(), releaseReason: reason };
  });
}
