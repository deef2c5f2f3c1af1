import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { appendAssignment, notify } from '../append-assignment.js';
import { isRoutableType } from '../core/record-types.js';
import { lockSubject } from '../subjects.js';

export type OverrideDecision = { id: string; status: 'approved' | 'rejected'; decidedBy: string; assignmentId: string | null };

/** Someone other than the requester approves or rejects; approval performs the reassignment then and there. */
export async function decideOverride(ctx: UseCaseContext, options: { requestId: string; decision: 'approve' | 'reject'; reason: string }): Promise<OverrideDecision> {
  assertCan(ctx.actor, 'override.approve');
  return inTransaction(ctx, async (trx) => {
    const request = await trx.selectFrom('override_requests').selectAll().where('id', '=', options.requestId).forUpdate().executeTakeFirst();
    if (!request || !isRoutableType(request.record_type)) throw notFound('override request');
    const me = actorOf(ctx).id;
    if (!me) throw new AppError('forbidden', 'Overrides are decided by a person.');
    if (request.requested_by === me) throw new AppError('forbidden', 'An override is never approved by the person who asked for it.');
    if (request.status !== 'pending') throw new AppError('conflict', `This request is already ${request.status}.`);
    const now = ctx.clock.now();
    let assignmentId: string | null = null;
    if (options.decision === 'approve') {
      const subject = await lockSubject(trx, request.record_type, request.record_id, now);
      if (!subject) throw notFound(request.record_type);
      const row = await appendAssignment(trx, ctx, {
        recordType: request.record_type,
        recordId: request.record_id,
        ownerId: request.to_user_id,
        source: 'manual',
        reasonCode: request.reason_code,
        reason: request.reason,
        dueAt: request.due_at > now ? request.due_at : undefined,
        explanation: { manual: { requestedBy: request.requested_by, approvedBy: me, approvalReason: request.approval_reason, decision: options.reason } },
        title: subject.title,
      });
      assignmentId = row.id;
    }
    const status = options.decision === 'approve' ? 'approved' : 'rejected';
    await trx.updateTable('override_requests').set({ status, decided_by: me, decided_at: now, decision_reason: options.reason, version: request.version + 1 }).where('id', '=', request.id).execute();
    await recordChange(trx, ctx, {
      event: status === 'approved' ? 'override.approved' : 'override.rejected',
      entityType: request.record_type,
      entityId: request.record_id,
      reason: options.reason,
      after: { overrideRequestId: request.id, toUserId: request.to_user_id, assignmentId },
    });
    await notify(trx, ctx, { userId: request.requested_by, kind: 'approval_decided', recordType: request.record_type, recordId: request.record_id, title: `Override ${status}`, body: options.reason });
    return { id: request.id, status, decidedBy: me, assignmentId };
  });
}
