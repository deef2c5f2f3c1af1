import type { Trx } from '../platform/db/database.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import type { AssignmentRow } from './store.js';

/**
 * The owner has responded: the SLA is met, so the escalation timers of this assignment stop. Idempotent —
 * a second acknowledgement changes nothing.
 */
export async function acknowledgeAssignment(trx: Trx, ctx: UseCaseContext, assignment: AssignmentRow, how: string): Promise<boolean> {
  if (assignment.acknowledged_at || assignment.closed_at) return false;
  const now = ctx.clock.now();
  await trx.updateTable('assignments').set({ acknowledged_at: now }).where('id', '=', assignment.id).execute();
  await trx.updateTable('escalation_timers').set({ state: 'cancelled', outcome: 'acknowledged' }).where('assignment_id', '=', assignment.id).where('state', '=', 'pending').execute();
  await recordChange(trx, ctx, {
    event: 'assignment.acknowledged',
    entityType: assignment.record_type,
    entityId: assignment.record_id,
    reason: how,
    after: { assignmentId: assignment.id, acknowledgedAt: now.toISOString(), onTime: now <= assignment.due_at },
  });
  return true;
}
