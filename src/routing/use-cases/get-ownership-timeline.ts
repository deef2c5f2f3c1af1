import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { recordExists } from '../store.js';
import { withRenderedExplanations } from '../stored-explanation.js';
import { type AssignmentView, assignmentView } from '../views.js';

export type OwnershipTimeline = {
  recordType: string;
  recordId: string;
  ownerId: string | null;
  assignments: Array<AssignmentView & { ownerName: string }>;
  unassigned: { reasonCode: string; reason: string; since: string; explanation: unknown } | null;
  activities: Array<{ id: string; kind: string; subject: string; actorId: string | null; occurredAt: string }>;
  pendingOverride: { id: string; toUserId: string; reasonCode: string; reason: string; requestedBy: string; createdAt: string } | null;
};

/** Every owner the record ever had, newest first, each with the explanation of why — plus what is pending. */
export async function getOwnershipTimeline(ctx: UseCaseContext, recordType: RoutableRecordType, recordId: string): Promise<OwnershipTimeline> {
  assertCan(ctx.actor, 'assignment.read');
  const record = await recordExists(ctx.db, recordType, recordId);
  if (!record) throw notFound(recordType);
  const [assignments, unassigned, activities, pending] = await Promise.all([
    ctx.db
      .selectFrom('assignments as a')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .selectAll('a')
      .select('u.name as owner_name')
      .where('a.record_type', '=', recordType)
      .where('a.record_id', '=', recordId)
      .orderBy('a.created_at', 'desc')
      .execute()
      .then((rows) => withRenderedExplanations(ctx.db, rows)),
    ctx.db.selectFrom('unassigned_records').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).executeTakeFirst(),
    ctx.db.selectFrom('activities').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).orderBy('occurred_at', 'desc').limit(100).execute(),
    ctx.db.selectFrom('override_requests').selectAll().where('record_type', '=', recordType).where('record_id', '=', recordId).where('status', '=', 'pending').executeTakeFirst(),
  ]);
  return {
    recordType,
    recordId,
    ownerId: record.ownerId,
    assignments: assignments.map((a) => ({ ...assignmentView(a), ownerName: a.owner_name })),
    unassigned: unassigned ? { reasonCode: unassigned.reason_code, reason: unassigned.reason, since: unassigned.since.toISOString(), explanation: unassigned.explanation } : null,
    activities: activities.map((a) => ({ id: a.id, kind: a.kind, subject: a.subject, actorId: a.actor_id, occurredAt: a.occurred_at.toISOString() })),
    pendingOverride: pending
      ? { id: pending.id, toUserId: pending.to_user_id, reasonCode: pending.reason_code, reason: pending.reason, requestedBy: pending.requested_by, createdAt: pending.created_at.toISOString() }
      : null,
  };
}
