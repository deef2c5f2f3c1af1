import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { acknowledgeAssignment } from '../acknowledge.js';
import type { RoutableRecordType } from '../core/record-types.js';
import type { LogActivityInput } from '../schemas.js';
import { openAssignmentOf, recordExists } from '../store.js';

export type ActivityView = { id: string; recordType: string; recordId: string; kind: string; subject: string; notes: string | null; actorId: string | null; occurredAt: string; acknowledged: boolean };

/** Logging work on a record is how an owner acknowledges it: their first activity stops the escalation clock. */
export async function logActivity(ctx: UseCaseContext, target: { recordType: RoutableRecordType; recordId: string }, input: LogActivityInput): Promise<ActivityView> {
  assertCan(ctx.actor, 'activity.log');
  return inTransaction(ctx, async (trx) => {
    if (!(await recordExists(trx, target.recordType, target.recordId))) throw notFound(target.recordType);
    const now = ctx.clock.now();
    const actor = actorOf(ctx);
    const row = await trx
      .insertInto('activities')
      .values({
        record_type: target.recordType,
        record_id: target.recordId,
        kind: input.kind,
        subject: input.subject,
        notes: input.notes ?? null,
        actor_id: actor.id,
        partner_id: ctx.actor.partnerId,
        occurred_at: input.occurredAt ? new Date(input.occurredAt) : now,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = {
      id: row.id,
      recordType: row.record_type,
      recordId: row.record_id,
      kind: row.kind,
      subject: row.subject,
      notes: row.notes,
      actorId: row.actor_id,
      occurredAt: row.occurred_at.toISOString(),
    };
    await recordChange(trx, ctx, { event: 'activity.logged', entityType: target.recordType, entityId: target.recordId, after: view });
    const open = await openAssignmentOf(trx, target.recordType, target.recordId);
    const acknowledged = open !== undefined && open.owner_id === actor.id && (await acknowledgeAssignment(trx, ctx, open, `activity: ${input.kind}`));
    return { ...view, acknowledged };
  });
}
