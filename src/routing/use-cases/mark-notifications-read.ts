import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';

/**
 * Marks my notifications read — the given ones, or all. Reading is the reader's own business: it is not
 * audited and emits nothing; other people's notifications are untouched (and indistinguishable from missing).
 */
export async function markNotificationsRead(ctx: UseCaseContext, request: { ids?: string[] }): Promise<{ marked: number }> {
  assertCan(ctx.actor, 'notification.read_own');
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'Only a person has an inbox.');
  const userId = ctx.actor.userId;
  return inTransaction(ctx, async (trx) => {
    let q = trx.updateTable('notifications').set({ read_at: ctx.clock.now() }).where('user_id', '=', userId).where('read_at', 'is', null);
    if (request.ids) q = q.where('id', 'in', request.ids);
    const result = await q.executeTakeFirst();
    return { marked: Number(result.numUpdatedRows) };
  });
}
