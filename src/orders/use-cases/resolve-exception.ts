import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';

/** Closes an exception case as resolved (the cause was fixed) or waived (accepted as is), with a reason. */
export async function resolveException(ctx: UseCaseContext, id: string, expectedVersion: number | undefined, input: { outcome: 'resolved' | 'waived'; reason: string }) {
  assertCan(ctx.actor, 'order.release');
  return inTransaction(ctx, async (trx) => {
    const row = await trx.selectFrom('order_exceptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) throw notFound('exception');
    if (expectedVersion !== undefined) assertVersion(row.version, expectedVersion);
    if (row.status !== 'open') throw new AppError('conflict', `This exception is already ${row.status}.`);
    const now = ctx.clock.now();
    const updated = await trx.updateTable('order_exceptions').set({ status: input.outcome, resolved_at: now, version: row.version + 1 }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordChange(trx, ctx, { event: 'order_exception.resolved', entityType: 'order_exception', entityId: id, reason: input.reason, before: { status: row.status }, after: { status: updated.status } });
    return { id: updated.id, status: updated.status, version: updated.version, resolvedAt: now.toISOString() };
  });
}
