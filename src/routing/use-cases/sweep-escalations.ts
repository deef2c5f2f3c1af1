import { sql } from 'kysely';
import type { AuditedChange } from '../../platform/audit/events.js';
import { recordChanges } from '../../platform/record-change.js';
import type { Trx } from '../../platform/db/database.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { appendAssignment, notifyMany } from '../append-assignment.js';
import {
  type FiringTimer,
  escalationAuditReason,
  escalationNotifications,
  escalationOutcome,
  isAuditedEscalation,
} from '../core/escalation.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { resolveTarget } from '../resolve-target.js';
import { teamManagerOf } from '../store.js';
import { lockSubject } from '../subjects.js';

export type SweepResult = { fired: number; skipped: number; byAction: Record<string, number> };

type DueTimer = {
  id: string;
  action: 'due_soon' | 'notify_owner' | 'notify_manager' | 'reassign' | 'breach';
  step_index: number;
  target: { type: 'manager' } | { type: 'user' | 'pool' | 'queue'; id: string } | null;
  fire_at: Date;
  assignment_id: string;
  record_type: string;
  record_id: string;
  owner_id: string;
  due_at: Date;
  reason: string;
  team_id: string | null;
};

/**
 * Fires every escalation timer that is due, exactly once: a timer is claimed with `FOR UPDATE SKIP LOCKED`
 * and marked fired in the same transaction as its effect, so concurrent sweepers (several worker processes)
 * split the work and a crash rolls a batch back to be fired by the next sweep. Acknowledging or closing an
 * assignment cancels its timers, so whatever is still pending really is late.
 *
 * Notifications and breaches go in batches. Reassignments change ownership, so each takes the record's
 * lock first (the same order routing uses: record, then its timers) in its own transaction.
 */
export async function sweepEscalations(ctx: UseCaseContext, options: { batchSize?: number } = {}): Promise<SweepResult> {
  const batchSize = options.batchSize ?? 500;
  const result: SweepResult = { fired: 0, skipped: 0, byAction: {} };
  const count = (action: string) => {
    result.fired++;
    result.byAction[action] = (result.byAction[action] ?? 0) + 1;
  };
  for (;;) {
    const fired = await inTransaction(ctx, (trx) => fireNotifyingTimers(trx, ctx, batchSize));
    fired.forEach(count);
    if (fired.length < batchSize) break;
  }
  const reassignments = await ctx.db
    .selectFrom('escalation_timers')
    .select('id')
    .where('state', '=', 'pending')
    .where('action', '=', 'reassign')
    .where('fire_at', '<=', ctx.clock.now())
    .orderBy('fire_at')
    .execute();
  for (const { id } of reassignments) {
    const outcome = await inTransaction(ctx, (trx) => fireReassignment(trx, ctx, id));
    if (outcome) count('reassign');
    else result.skipped++;
  }
  return result;
}

function dueTimers(trx: Trx, now: Date) {
  return trx
    .selectFrom('escalation_timers as t')
    .innerJoin('assignments as a', 'a.id', 't.assignment_id')
    .select([
      't.id',
      't.action',
      't.step_index',
      't.target',
      't.fire_at',
      't.assignment_id',
      'a.record_type',
      'a.record_id',
      'a.owner_id',
      'a.due_at',
      'a.reason',
      'a.team_id',
    ])
    .where('t.state', '=', 'pending')
    .where('t.fire_at', '<=', now)
    .where('a.closed_at', 'is', null)
    .where('a.acknowledged_at', 'is', null);
}

/**
 * Claims up to `batchSize` due notifying timers of open, unacknowledged assignments, with the owner's team
 * manager. `FOR UPDATE SKIP LOCKED`: concurrent sweepers take disjoint batches, and a claimed timer stays
 * locked until its batch commits or rolls back.
 */
async function claimDueNotifyingTimers(trx: Trx, now: Date, batchSize: number): Promise<FiringTimer[]> {
  const { rows } = await sql<FiringTimer>`
    select t.id, t.action, t.step_index as "stepIndex", t.assignment_id as "assignmentId", a.record_type as "recordType", a.record_id as "recordId",
           a.owner_id as "ownerId", m.manager_id as "managerId", a.due_at as "dueAt", a.reason
    from escalation_timers t
    join assignments a on a.id = t.assignment_id
    left join lateral (select tm.manager_id from users u join teams tm on tm.id = u.team_id where u.id = a.owner_id) m on true
    where t.state = 'pending' and t.fire_at <= ${now} and t.action <> 'reassign' and a.closed_at is null and a.acknowledged_at is null
    order by t.fire_at
    limit ${batchSize}
    for update of t skip locked`.execute(trx);
  return rows;
}

/**
 * One batch, one transaction: claim, mark the timers fired (one statement over column arrays), tell who each
 * action owes a notification (notifyMany), then the escalation.fired outbox events and audit rows
 * (recordChanges) — the outbox rows and audit rows join the transaction's one pre-commit statement.
 */
async function fireNotifyingTimers(trx: Trx, ctx: UseCaseContext, batchSize: number): Promise<string[]> {
  const now = ctx.clock.now();
  const timers = await claimDueNotifyingTimers(trx, now, batchSize);
  if (timers.length === 0) return [];
  const outcomes = timers.map(escalationOutcome);
  const { rows } = await sql<{ marked: number }>`
    with marked as (
      update escalation_timers t set state = 'fired', fired_at = ${now}, outcome = v.outcome
      from unnest(${timers.map((t) => t.id)}::uuid[], ${outcomes}::text[]) as v(id, outcome)
      where t.id = v.id and t.state = 'pending'
      returning t.id
    )
    select count(*)::int as marked from marked`.execute(trx);
  // Every claimed timer is locked by this transaction and was pending: anything else is a bug, not a race.
  if (rows[0]!.marked !== timers.length) throw new Error(`escalation sweep marked ${rows[0]!.marked} of ${timers.length} claimed timers`);
  await notifyMany(
    trx,
    ctx,
    timers.flatMap((t) => escalationNotifications(t).map((n) => ({ ...n, recordType: t.recordType, recordId: t.recordId }))),
  );
  const changes: AuditedChange[] = timers.flatMap((t, i) =>
    isAuditedEscalation(t)
      ? [
          {
            event: 'escalation.fired' as const,
            entityType: t.recordType,
            entityId: t.recordId,
            reason: escalationAuditReason(t),
            after: { timerId: t.id, assignmentId: t.assignmentId, action: t.action, step: t.stepIndex, ownerId: t.ownerId, outcome: outcomes[i] },
          },
        ]
      : [],
  );
  await recordChanges(trx, ctx, changes);
  return timers.map((t) => t.action);
}

async function fireReassignment(trx: Trx, ctx: UseCaseContext, timerId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const peek = await trx
    .selectFrom('escalation_timers as t')
    .innerJoin('assignments as a', 'a.id', 't.assignment_id')
    .select(['a.record_type', 'a.record_id'])
    .where('t.id', '=', timerId)
    .executeTakeFirst();
  if (!peek) return false;
  const subject = await lockSubject(trx, peek.record_type as RoutableRecordType, peek.record_id, now);
  const timer = (await dueTimers(trx, now).where('t.id', '=', timerId).forUpdate('t').skipLocked().executeTakeFirst()) as unknown as
    DueTimer | undefined;
  if (!subject || !timer) return false;

  const target = timer.target;
  const destination =
    target?.type === 'manager'
      ? await teamManagerOf(trx, timer.owner_id).then((id) =>
          id ? { placement: { ownerId: id, poolId: null, queueId: null, fairness: null } } : null,
        )
      : target
        ? await resolveTarget(trx, target, subject.facts, now)
        : null;
  const placement = destination?.placement ?? null;
  let outcome: string;
  if (!placement || placement.ownerId === timer.owner_id) {
    outcome = placement ? 'target is the current owner; kept' : 'no one to reassign to; kept with the current owner';
  } else {
    await appendAssignment(trx, ctx, {
      recordType: subject.recordType,
      recordId: subject.recordId,
      ownerId: placement.ownerId,
      source: 'escalation',
      reasonCode: 'escalation',
      reason: `Escalated: not acknowledged by ${timer.due_at.toISOString()} (step ${timer.step_index})`,
      poolId: placement.poolId,
      queueId: placement.queueId,
      fairness: placement.fairness,
      explanation: { escalation: { timerId, fromOwnerId: timer.owner_id, target, step: timer.step_index } },
      title: subject.title,
    });
    outcome = `reassigned to ${placement.ownerId}`;
  }
  await markFired(trx, now, timer.id, outcome);
  await recordChanges(trx, ctx, [
    {
      event: 'escalation.fired',
      entityType: subject.recordType,
      entityId: subject.recordId,
      reason: `escalation step ${timer.step_index}: reassign (assignment ${timer.assignment_id})`,
      after: { timerId, assignmentId: timer.assignment_id, action: 'reassign', step: timer.step_index, ownerId: timer.owner_id, outcome },
    },
  ]);
  return true;
}

async function markFired(trx: Trx, now: Date, timerId: string, outcome: string): Promise<void> {
  // appendAssignment cancels the old assignment's other timers; this one is fired, not cancelled.
  await trx.updateTable('escalation_timers').set({ state: 'fired', fired_at: now, outcome }).where('id', '=', timerId).execute();
}
