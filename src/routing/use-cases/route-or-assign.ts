import type { Trx } from '../../platform/db/database.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { appendAssignment } from '../append-assignment.js';
import { closeOwnership } from '../close-ownership.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { publishedRuleset } from '../store.js';
import { routeRecord } from './route-record.js';

export type DefaultOwner = {
  /** Who owns the record when no published rule set places it (e.g. the partner's channel manager). */
  ownerId: string | null;
  reasonCode: string;
  reason: string;
  slaHours: number;
};

export type Placement = { ownerId: string | null; assignmentId: string | null; dueAt: Date | null; reasonCode: string; reason: string };

/**
 * Routes another feature's record in the caller's transaction: a published rule set for its type decides
 * first; when there is none, or it leaves the record unplaced, the feature's documented default owner gets
 * an ordinary ledger assignment (reason, SLA due date, escalation timers, inbox entry, explanation). With no
 * default either, the record stays in the Unassigned queue with its reason — visible, never silently ownerless.
 */
export async function routeOrAssign(
  trx: Trx,
  ctx: UseCaseContext,
  request: { recordType: RoutableRecordType; recordId: string; title: string; facts: Record<string, unknown>; fallback: DefaultOwner },
): Promise<Placement> {
  const facts = { ...request.facts, title: request.title };
  if (await publishedRuleset(trx, request.recordType)) {
    const decision = await routeRecord(trx, ctx, { recordType: request.recordType, recordId: request.recordId, facts });
    if (decision.outcome !== 'unassigned' || !request.fallback.ownerId) {
      return {
        ownerId: decision.ownerId,
        assignmentId: decision.assignmentId,
        dueAt: decision.dueAt ? new Date(decision.dueAt) : null,
        reasonCode: decision.reasonCode,
        reason: decision.reason,
      };
    }
  } else if (!request.fallback.ownerId) {
    const decision = await routeRecord(trx, ctx, { recordType: request.recordType, recordId: request.recordId, facts });
    return { ownerId: decision.ownerId, assignmentId: null, dueAt: null, reasonCode: decision.reasonCode, reason: decision.reason };
  }
  const { ownerId, reasonCode, reason, slaHours } = request.fallback;
  const row = await appendAssignment(trx, ctx, {
    recordType: request.recordType,
    recordId: request.recordId,
    ownerId: ownerId!,
    source: 'rule',
    reasonCode,
    reason,
    slaHours,
    explanation: {
      rules: [],
      target: { type: 'default_owner', reasonCode },
      path: [reason],
      candidates: [],
      facts,
      evaluatedAt: ctx.clock.now().toISOString(),
    },
    title: request.title,
  });
  return { ownerId: row.owner_id, assignmentId: row.id, dueAt: row.due_at, reasonCode, reason };
}

/** The record is finished (decided, resolved): its assignment closes and its timers stop. */
export const closeRoutedRecord = (trx: Trx, ctx: UseCaseContext, recordType: RoutableRecordType, recordId: string, why: string) =>
  closeOwnership(trx, ctx, recordType, recordId, why);
