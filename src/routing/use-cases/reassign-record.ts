import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { appendAssignment, notify } from '../append-assignment.js';
import { overrideApprovalReason } from '../core/override-policy.js';
import type { RoutableRecordType } from '../core/record-types.js';
import type { ReassignInput } from '../schemas.js';
import { findPerson, routingPolicy, teamManagerOf } from '../store.js';
import { lockSubject } from '../subjects.js';
import { type AssignmentView, assignmentView } from '../views.js';

export type ReassignOutcome =
  | { status: 'reassigned'; assignment: AssignmentView }
  | { status: 'approval_pending'; overrideRequestId: string; approvalReason: string };

/**
 * A manual override: permission, reason code + text and a due date are required. When policy asks for a
 * second person it becomes a request, and the current owner stays accountable until someone else approves.
 */
export async function reassignRecord(ctx: UseCaseContext, target: { recordType: RoutableRecordType; recordId: string }, input: ReassignInput): Promise<ReassignOutcome> {
  assertCan(ctx.actor, 'assignment.override');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const subject = await lockSubject(trx, target.recordType, target.recordId, now);
    if (!subject) throw notFound(target.recordType);
    const to = await findPerson(trx, input.toUserId);
    if (!to || to.status !== 'active' || to.partnerId !== null) throw invalidField('toUserId', 'no such active internal user');
    if (subject.ownerId === input.toUserId) throw invalidField('toUserId', 'already the owner');
    const dueAt = input.dueAt ? new Date(input.dueAt) : undefined;
    if (dueAt && dueAt <= now) throw invalidField('dueAt', 'must be in the future');
    const pending = await trx.selectFrom('override_requests').select('id').where('record_type', '=', target.recordType).where('record_id', '=', target.recordId).where('status', '=', 'pending').executeTakeFirst();
    if (pending) throw new AppError('conflict', 'An override request for this record is already waiting for approval.');

    const from = subject.ownerId ? await findPerson(trx, subject.ownerId) : undefined;
    const policy = await routingPolicy(trx);
    const account = subject.facts.account as { channelPartnerId?: string | null; hasActiveRegistration?: boolean } | undefined;
    const approvalReason = overrideApprovalReason(
      { crossTeam: policy.override_approval_cross_team, minAmount: policy.override_approval_min_amount === null ? null : Number(policy.override_approval_min_amount) },
      {
        fromTeamId: from?.teamId ?? null,
        toTeamId: to.teamId,
        amount: typeof subject.facts.amount === 'number' ? subject.facts.amount : null,
        registeredAccount: Boolean(account?.channelPartnerId || account?.hasActiveRegistration || subject.facts.channelPartnerId),
      },
    );
    if (!approvalReason) {
      const row = await appendAssignment(trx, ctx, {
        recordType: target.recordType,
        recordId: target.recordId,
        ownerId: input.toUserId,
        source: 'manual',
        reasonCode: input.reasonCode,
        reason: input.reason,
        ...(dueAt ? { dueAt } : {}),
        explanation: { manual: { by: actorOf(ctx).label, reasonCode: input.reasonCode, reason: input.reason } },
        title: subject.title,
      });
      return { status: 'reassigned', assignment: assignmentView(row) };
    }

    const requester = actorOf(ctx).id;
    if (!requester) throw new AppError('forbidden', 'Override requests need a person to ask for them.');
    const request = await trx
      .insertInto('override_requests')
      .values({
        record_type: target.recordType,
        record_id: target.recordId,
        from_owner_id: subject.ownerId,
        to_user_id: input.toUserId,
        reason_code: input.reasonCode,
        reason: input.reason,
        due_at: dueAt ?? new Date(now.getTime() + Number(policy.default_sla_hours) * 3_600_000),
        approval_reason: approvalReason,
        requested_by: requester,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'override.requested',
      entityType: target.recordType,
      entityId: target.recordId,
      reason: `${input.reasonCode}: ${input.reason}`,
      after: { overrideRequestId: request.id, toUserId: input.toUserId, approvalReason },
    });
    const approvers = new Set([subject.ownerId && (await teamManagerOf(trx, subject.ownerId)), await teamManagerOf(trx, input.toUserId)].filter((id): id is string => !!id && id !== requester));
    for (const userId of approvers) {
      await notify(trx, ctx, { userId, kind: 'approval_needed', recordType: target.recordType, recordId: target.recordId, title: `Approve moving ${subject.title}?`, body: `${input.reason} (${approvalReason})` });
    }
    return { status: 'approval_pending', overrideRequestId: request.id, approvalReason };
  });
}
