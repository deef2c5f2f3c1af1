import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { recordTitles } from '../store.js';

/**
 * Override requests waiting for (or past) a decision. Each says who asked, who would take over, why, and
 * why approval is needed; the current owner stays accountable until someone other than the requester decides.
 */
export async function listOverrideRequests(ctx: UseCaseContext, query: { status?: 'pending' | 'approved' | 'rejected'; limit: number }) {
  assertCan(ctx.actor, 'assignment.read');
  let q = ctx.db
    .selectFrom('override_requests as r')
    .innerJoin('users as req', 'req.id', 'r.requested_by')
    .innerJoin('users as to', 'to.id', 'r.to_user_id')
    .leftJoin('users as from', 'from.id', 'r.from_owner_id')
    .select(['r.id', 'r.record_type', 'r.record_id', 'r.from_owner_id', 'from.name as from_name', 'r.to_user_id', 'to.name as to_name', 'r.reason_code', 'r.reason', 'r.due_at', 'r.approval_reason', 'r.status'])
    .select(['r.requested_by', 'req.name as requested_by_name', 'r.decided_by', 'r.decided_at', 'r.decision_reason', 'r.version', 'r.created_at']);
  if (query.status) q = q.where('r.status', '=', query.status);
  const rows = await q.orderBy('r.created_at', 'desc').limit(query.limit).execute();
  const titles = await recordTitles(ctx.db, rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id })));
  return {
    items: rows.map((r) => ({
      id: r.id,
      recordType: r.record_type,
      recordId: r.record_id,
      title: titles.get(`${r.record_type}:${r.record_id}`) ?? r.record_type,
      fromOwnerId: r.from_owner_id,
      fromOwnerName: r.from_name,
      toUserId: r.to_user_id,
      toUserName: r.to_name,
      reasonCode: r.reason_code,
      reason: r.reason,
      dueAt: r.due_at.toISOString(),
      approvalReason: r.approval_reason,
      status: r.status,
      requestedBy: r.requested_by,
      requestedByName: r.requested_by_name,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at?.toISOString() ?? null,
      decisionReason: r.decision_reason,
      createdAt: r.created_at.toISOString(),
    })),
  };
}
