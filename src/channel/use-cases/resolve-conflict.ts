import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { type ConflictView, conflictRows, conflictView } from '../conflict-store.js';
import type { ResolveConflictInput } from '../schemas/conflicts.js';

/** Records the decision on an open conflict case and closes its routed assignment (its SLA clock stops). */
export async function resolveConflict(ctx: UseCaseContext, options: { conflictId: string; expectedVersion: number; input: ResolveConflictInput }): Promise<ConflictView> {
  assertCan(ctx.actor, 'conflict.resolve');
  return inTransaction(ctx, async (trx) => {
    const current = await trx.selectFrom('conflict_cases').selectAll().where('id', '=', options.conflictId).forUpdate().executeTakeFirst();
    if (!current) throw notFound('conflict case');
    assertVersion(current.version, options.expectedVersion);
    if (current.status !== 'open') throw new AppError('conflict', 'The conflict case is already resolved.');
    const now = ctx.clock.now();
    await trx
      .updateTable('conflict_cases')
      .set({
        status: 'resolved',
        resolution: options.input.resolution,
        resolution_reason: options.input.reason,
        resolved_by: actorOf(ctx).id,
        resolved_at: now,
        version: current.version + 1,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .execute();
    await closeRoutedRecord(trx, ctx, 'conflict_case', current.id, `resolved: ${options.input.resolution}`);
    await recordChange(trx, ctx, {
      event: 'conflict.resolved',
      entityType: 'conflict_case',
      entityId: current.id,
      reason: options.input.reason,
      before: { status: current.status, version: current.version },
      after: { status: 'resolved', resolution: options.input.resolution, resolvedAt: now.toISOString(), version: current.version + 1 },
    });
    return conflictView((await conflictRows(trx).where('c.id', '=', current.id).executeTakeFirstOrThrow()), now);
  });
}
