import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { AssignmentSource, NotificationKind, Priority, Trx } from '../platform/db/database.js';
import { AppError } from '../platform/errors.js';
import { type OutboxEvent, emit, emitMany } from '../platform/outbox/emit.js';
import { recordChange } from '../platform/record-change.js';
import { type UseCaseContext, actorOf } from '../platform/use-case-context.js';
import { type BusinessCalendar, addBusinessHours, escalationFireAt, hasWorkingTime } from './core/business-time.js';
import type { RoutableRecordType } from './core/record-types.js';
import { type EscalationStep, EscalationStepsSchema } from './core/escalation.js';
import {
  type AssignmentRow,
  type Person,
  type PoolUpdate,
  closeAssignment,
  findEscalationPolicy,
  findPerson,
  openAssignmentOf,
  type RoutingPolicyRow,
  routingPolicy,
  writeAssignment,
} from './store.js';

export type NewAssignment = {
  recordType: RoutableRecordType;
  recordId: string;
  ownerId: string;
  /** The owner as already read by the decision (pool members, rule targets); read here when absent. */
  owner?: Person;
  /** The record was created in this transaction: it has no open assignment and is in no queue yet. */
  fresh?: boolean;
  source: AssignmentSource;
  reasonCode: string;
  reason: string;
  /** Business hours in the owner's calendar; ignored when `dueAt` is given (manual overrides). */
  slaHours?: number | null;
  dueAt?: Date;
  escalationPolicyId?: string | null;
  priority?: Priority;
  rulesetId?: string | null;
  rulesetNumber?: number | null;
  ruleId?: string | null;
  poolId?: string | null;
  queueId?: string | null;
  fairness?: Record<string, unknown> | null;
  /** The routing policy as the decision read it (before taking its pool lock); read here when absent. */
  policy?: RoutingPolicyRow;
  /** The deciding pool's next fairness state, written with the assignment. */
  poolUpdate?: PoolUpdate | null;
  explanation: Record<string, unknown>;
  /** A short label for the record in notifications, e.g. the lead's name. */
  title: string;
};

/**
 * The one way ownership changes: close the open assignment (if any), append the new one, point the
 * record at it, arm the escalation timers and tell the new owner — all in the caller's transaction, so the
 * record is never without an owner once it had one. Everything after the reads is one statement (see
 * writeAssignment): decisions hold their pool's lock until commit, so each round trip here is paid by every
 * decision queued behind it.
 */
export async function appendAssignment(trx: Trx, ctx: UseCaseContext, next: NewAssignment): Promise<AssignmentRow> {
  const now = ctx.clock.now();
  const owner = next.owner ?? (await findPerson(trx, next.ownerId));
  if (!owner || owner.status !== 'active' || owner.partnerId !== null)
    throw new AppError('rule_violation', 'The new owner must be an active internal user.');
  const previous = next.fresh ? undefined : await openAssignmentOf(trx, next.recordType, next.recordId);
  if (previous) await closeAssignment(trx, previous.id, now, 'reassigned');

  const policy = next.policy ?? (await routingPolicy(trx));
  const dueAt = next.dueAt ?? dueDateFor(owner.calendar, now, next.slaHours ?? Number(policy.default_sla_hours));
  const steps = next.escalationPolicyId
    ? EscalationStepsSchema.parse((await findEscalationPolicy(trx, next.escalationPolicyId))?.steps ?? [])
    : [];
  const actor = actorOf(ctx);
  const id = randomUUID();
  const notification = {
    id: randomUUID(),
    user_id: next.ownerId,
    kind: 'assigned' as const,
    record_type: next.recordType,
    record_id: next.recordId,
    title: `${next.title} is yours`,
    body: `${next.reason} — due ${dueAt.toISOString()}`,
    created_at: now,
  };
  const row = await writeAssignment(trx, {
    assignment: {
      id,
      record_type: next.recordType,
      record_id: next.recordId,
      owner_id: next.ownerId,
      previous_owner_id: previous?.owner_id ?? null,
      team_id: owner.teamId,
      reason_code: next.reasonCode,
      reason: next.reason,
      due_at: dueAt,
      source: next.source,
      ruleset_id: next.rulesetId ?? null,
      ruleset_number: next.rulesetNumber ?? null,
      rule_id: next.ruleId ?? null,
      pool_id: next.poolId ?? null,
      queue_id: next.queueId ?? null,
      fairness: next.fairness ? JSON.stringify(next.fairness) : null,
      explanation: JSON.stringify(next.explanation),
      priority: next.priority ?? 'normal',
      escalation_policy_id: next.escalationPolicyId ?? null,
      actor_id: actor.id,
      actor_label: actor.label,
      created_at: now,
    },
    timers: timersFor({ id, due_at: dueAt, created_at: now }, owner.calendar, steps, Number(policy.due_soon_hours)),
    notification,
    clearQueue: !next.fresh,
    poolUpdate: next.poolUpdate ?? null,
  });
  await emit(
    trx,
    ctx,
    notificationEvent(notification.id, {
      userId: next.ownerId,
      kind: 'assigned',
      recordType: next.recordType,
      recordId: next.recordId,
      title: notification.title,
    }),
  );
  // The audit row and the event name the assignment; its explanation stays in the immutable ledger row (one
  // copy, not three — the chain lock is held while these rows are written).
  await recordChange(trx, ctx, {
    event: 'assignment.created',
    entityType: next.recordType,
    entityId: next.recordId,
    reason: `${next.reasonCode}: ${next.reason}`,
    before: previous ? { ownerId: previous.owner_id, assignmentId: previous.id } : null,
    after: compactAssignment(row),
  });
  return row;
}

/** What the audit trail and the `assignment.created` event carry; single and batch routing alike. */
export const compactAssignment = (a: Pick<AssignmentRow, 'id' | 'owner_id' | 'due_at' | 'rule_id' | 'pool_id' | 'source'>) => ({
  assignmentId: a.id,
  ownerId: a.owner_id,
  dueAt: a.due_at.toISOString(),
  ruleId: a.rule_id,
  poolId: a.pool_id,
  source: a.source,
});

// A calendar without any working hours cannot measure business time; such owners run on wall-clock hours.
const usable = (calendar: BusinessCalendar | null) => (calendar && hasWorkingTime(calendar) ? calendar : null);

export function dueDateFor(calendar: BusinessCalendar | null, now: Date, hours: number): Date {
  const cal = usable(calendar);
  return cal ? addBusinessHours(cal, now, hours) : new Date(now.getTime() + hours * 3_600_000);
}

/**
 * One timer per escalation step plus the breach itself, and a due-soon reminder when there is time for one; the
 * sweeper fires each exactly once. Single and batch routing alike.
 */
export function timersFor(
  assignment: { id: string; due_at: Date; created_at: Date },
  ownerCalendar: BusinessCalendar | null,
  steps: EscalationStep[],
  dueSoonHours: number,
) {
  const calendar = usable(ownerCalendar);
  const dueSoonAt = new Date(assignment.due_at.getTime() - dueSoonHours * 3_600_000);
  return [
    ...(dueSoonAt > assignment.created_at ? [{ step_index: -1, action: 'due_soon' as const, target: null, fire_at: dueSoonAt }] : []),
    { step_index: 0, action: 'breach' as const, target: null, fire_at: assignment.due_at },
    ...steps.map((step, i) => ({
      step_index: i + 1,
      action: step.action,
      target: step.target ? JSON.stringify(step.target) : null,
      fire_at: calendar
        ? escalationFireAt(calendar, assignment.due_at, { hours: step.offsetHours, business: step.businessTime })
        : new Date(assignment.due_at.getTime() + step.offsetHours * 3_600_000),
    })),
  ].map((t) => ({ ...t, assignment_id: assignment.id }));
}

export type NotificationInput = {
  userId: string;
  kind: NotificationKind;
  recordType?: string | null;
  recordId?: string | null;
  title: string;
  body: string;
};

/** An inbox entry and its outbox event; notifications are not audited, the change that caused them is. */
export const notify = (trx: Trx, ctx: UseCaseContext, n: NotificationInput): Promise<void> => notifyMany(trx, ctx, [n]);

const notificationEvent = (id: string, n: Pick<NotificationInput, 'userId' | 'kind' | 'recordType' | 'recordId' | 'title'>) => ({
  type: `notification.${n.kind}`,
  aggregateType: 'notification',
  aggregateId: id,
  payload: { userId: n.userId, kind: n.kind, recordType: n.recordType ?? null, recordId: n.recordId ?? null, title: n.title },
});

/** The same for many at once (sweeps, reports): one insert from column arrays, whatever the count, and the events. */
export const notifyMany = (trx: Trx, ctx: UseCaseContext, list: NotificationInput[]): Promise<void> =>
  notifyAs(
    trx,
    list.map((notification) => ({ ctx, notification })),
  );

/** Many callers' inbox entries in one insert, each entry's event emitted as its own caller (leads created together). */
export async function notifyAs(trx: Trx, entries: Array<{ ctx: UseCaseContext; notification: NotificationInput }>): Promise<void> {
  if (entries.length === 0) return;
  const ids = entries.map(() => randomUUID());
  const column = <T>(pick: (n: NotificationInput) => T) => entries.map((e) => pick(e.notification));
  await trx
    .insertInto('notifications')
    .columns(['id', 'user_id', 'kind', 'record_type', 'record_id', 'title', 'body', 'created_at'])
    .expression(
      sql`select id, user_id, kind, record_type, record_id, title, body, ${entries[0]!.ctx.clock.now()}::timestamptz
          from unnest(${ids}::uuid[], ${column((n) => n.userId)}::uuid[], ${column((n) => n.kind)}::text[], ${column((n) => n.recordType ?? null)}::text[],
                      ${column((n) => n.recordId ?? null)}::uuid[], ${column((n) => n.title)}::text[], ${column((n) => n.body)}::text[])
            as n(id, user_id, kind, record_type, record_id, title, body)`,
    )
    .execute();
  const byContext = new Map<UseCaseContext, OutboxEvent[]>();
  entries.forEach(({ ctx, notification }, i) => {
    const events = byContext.get(ctx) ?? [];
    events.push(notificationEvent(ids[i]!, notification));
    byContext.set(ctx, events);
  });
  for (const [ctx, events] of byContext) await emitMany(trx, ctx, events);
}
