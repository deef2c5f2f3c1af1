import { sql } from 'kysely';
import type { AuditedChange } from '../../platform/audit/events.js';
import { recordChanges } from '../../platform/record-change.js';
import type { Trx } from '../../platform/db/database.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type NotificationInput, appendAssignment, notifyMany } from '../append-assignment.js';
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
  const reassignments = await ctx.db.selectFrom('escalation_timers').select('id').where('state', '=', 'pending').where('action', '=', 'reassign').where('fire_at', '<=', ctx.clock.now()).orderBy('fire_at').execute();
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
    .select(['t.id', 't.action', 't.step_index', 't.target', 't.fire_at', 't.assignment_id', 'a.record_type', 'a.record_id', 'a.owner_id', 'a.due_at', 'a.reason', 'a.team_id'])
    .where('t.state', '=', 'pending')
    .where('t.fire_at', '<=', now)
    .where('a.closed_at', 'is', null)
    .where('a.acknowledged_at', 'is', null);
}

/** What a fired notifying timer did, by action (and, for notify_manager, whether the owner's team has a manager). */
const OUTCOME = {
  due_soon: 'owner reminded',
  breach: 'breached',
  notify_owner: 'owner notified',
  notify_manager: 'manager notified',
  no_manager: 'no manager to notify',
} as const;

type FiredTimer = {
  id: string;
  action: 'due_soon' | 'notify_owner' | 'notify_manager' | 'breach';
  step_index: number;
  assignment_id: string;
  record_type: string;
  record_id: string;
  owner_id: string;
  due_at: Date;
  reason: string;
  manager_id: string | null;
  outcome: string;
};

/**
 * Claims up to `batchSize` due notifying timers (`FOR UPDATE SKIP LOCKED`, so concurrent sweepers take
 * disjoint batches) and marks them fired in one statement, returning what their effects need: the open,
 * unacknowledged assignment and the owner's team manager. The update finds the claimed rows through the
 * primary key (`= any(array(…))`), never by scanning the table, which keeps every fired timer ever.
 */
async function claimAndMarkFired(trx: Trx, now: Date, batchSize: number): Promise<FiredTimer[]> {
  const { rows } = await sql<FiredTimer>`
    with claimed as materialized (
      select t.id, t.action, t.step_index, t.assignment_id, a.record_type, a.record_id, a.owner_id, a.due_at, a.reason, m.manager_id
      from escalation_timers t
      join assignments a on a.id = t.assignment_id
      left join lateral (select tm.manager_id from users u join teams tm on tm.id = u.team_id where u.id = a.owner_id) m on true
      where t.state = 'pending' and t.fire_at <= ${now} and t.action <> 'reassign' and a.closed_at is null and a.acknowledged_at is null
      order by t.fire_at
      limit ${batchSize}
      for update of t skip locked
    ),
    fired as (
      update escalation_timers t
      set state = 'fired', fired_at = ${now},
          outcome = case c.action when 'due_soon' then ${OUTCOME.due_soon} when 'breach' then ${OUTCOME.breach} when 'notify_owner' then ${OUTCOME.notify_owner}
                                  else (case when c.manager_id is null then ${OUTCOME.no_manager} else ${OUTCOME.notify_manager} end) end
      from claimed c
      where t.id = any(array(select id from claimed)) and t.id = c.id and t.state = 'pending'
      returning t.id, t.outcome
    )
    select c.*, f.outcome from claimed c join fired f on f.id = c.id`.execute(trx);
  return rows;
}

async function fireNotifyingTimers(trx: Trx, ctx: UseCaseContext, batchSize: number): Promise<string[]> {
  const now = ctx.clock.now();
  const timers = await claimAndMarkFired(trx, now, batchSize);
  if (timers.length === 0) return [];
  const notes: NotificationInput[] = [];
  const changes: AuditedChange[] = [];
  for (const t of timers) {
    const about = { recordType: t.record_type, recordId: t.record_id };
    const manager = t.manager_id;
    const overdue = `${t.reason} — due ${t.due_at.toISOString()}`;
    switch (t.action) {
      case 'due_soon':
        notes.push({ userId: t.owner_id, kind: 'due_soon', ...about, title: `Due soon: ${t.record_type}`, body: overdue });
        continue; // a reminder is not an escalation; it is in the inbox and the outbox, not the audit trail
      case 'breach':
        notes.push({ userId: t.owner_id, kind: 'breached', ...about, title: `SLA breached: ${t.record_type}`, body: overdue });
        if (manager && manager !== t.owner_id) notes.push({ userId: manager, kind: 'breached', ...about, title: `Your team breached an SLA`, body: overdue });
        break;
      case 'notify_owner':
        notes.push({ userId: t.owner_id, kind: 'escalated', ...about, title: `Escalation: ${t.record_type} needs you`, body: overdue });
        break;
      case 'notify_manager':
        if (manager) notes.push({ userId: manager, kind: 'escalated', ...about, title: `Escalated to you: ${t.record_type}`, body: overdue });
        break;
    }
    changes.push({
      event: 'escalation.fired',
      entityType: t.record_type,
      entityId: t.record_id,
      reason: `${t.action === 'breach' ? 'SLA breached' : `escalation step ${t.step_index}: ${t.action}`} (assignment ${t.assignment_id})`,
      after: { timerId: t.id, assignmentId: t.assignment_id, action: t.action, step: t.step_index, ownerId: t.owner_id, outcome: t.outcome },
    });
  }
  await notifyMany(trx, ctx, notes);
  await recordChanges(trx, ctx, changes);
  return timers.map((t) => t.action);
}

async function fireReassignment(trx: Trx, ctx: UseCaseContext, timerId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const peek = await trx.selectFrom('escalation_timers as t').innerJoin('assignments as a', 'a.id', 't.assignment_id').select(['a.record_type', 'a.record_id']).where('t.id', '=', timerId).executeTakeFirst();
  if (!peek) return false;
  const subject = await lockSubject(trx, peek.record_type as RoutableRecordType, peek.record_id, now);
  const timer = (await dueTimers(trx, now).where('t.id', '=', timerId).forUpdate('t').skipLocked().executeTakeFirst()) as unknown as DueTimer | undefined;
  if (!subject || !timer) return false;

  const target = timer.target;
  const destination =
    target?.type === 'manager'
      ? await teamManagerOf(trx, timer.owner_id).then((id) => (id ? { placement: { ownerId: id, poolId: null, queueId: null, fairness: null } } : null))
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
  await markFired(trx, now, new Map([[timer.id, outcome]]));
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

async function markFired(trx: Trx, now: Date, outcomes: Map<string, string>): Promise<void> {
  if (outcomes.size === 0) return;
  const ids = [...outcomes.keys()];
  const texts = ids.map((id) => outcomes.get(id)!);
  // appendAssignment cancels the old assignment's other timers; this one is fired, not cancelled.
  await sql`update escalation_timers t set state = 'fired', fired_at = ${now}, outcome = v.outcome
            from unnest(${ids}::uuid[], ${texts}::text[]) as v(id, outcome) where t.id = v.id`.execute(trx);
}
