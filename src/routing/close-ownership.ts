import type { Trx } from '../platform/db/database.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import type { RoutableRecordType } from './core/record-types.js';
import { clearUnassigned, closeAssignment, openAssignmentOf } from './store.js';

/**
 * A record that is done (won, lost, converted, archived) stops counting as open work: its assignment is
 * closed and its escalation timers are cancelled. The owner stays on the record as its last owner.
 */
export async function closeOwnership(trx: Trx, ctx: UseCaseContext, recordType: RoutableRecordType, recordId: string, why: string): Promise<void> {
  await clearUnassigned(trx, recordType, recordId);
  const open = await openAssignmentOf(trx, recordType, recordId);
  if (!open) return;
  await closeAssignment(trx, open.id, ctx.clock.now(), why);
  await recordChange(trx, ctx, { event: 'assignment.closed', entityType: recordType, entityId: recordId, reason: why, before: { assignmentId: open.id, ownerId: open.owner_id } });
}
