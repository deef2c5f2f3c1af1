import { z } from 'zod';

/**
 * An escalation step fires at `offsetHours` relative to the due date (negative = before it), counted in the
 * owner's business hours unless `businessTime` is false.
 */
export const EscalationStepSchema = z.strictObject({
  offsetHours: z.number().min(-720).max(720),
  businessTime: z.boolean().default(true),
  action: z.enum(['notify_owner', 'notify_manager', 'reassign']),
  target: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('manager') }),
      z.strictObject({ type: z.literal('user'), id: z.uuid() }),
      z.strictObject({ type: z.literal('pool'), id: z.uuid() }),
      z.strictObject({ type: z.literal('queue'), id: z.uuid() }),
    ])
    .optional(),
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;

export const EscalationStepsSchema = z
  .array(EscalationStepSchema)
  .min(1)
  .max(10)
  .superRefine((steps, ctx) => {
    steps.forEach((step, i) => {
      if (step.action === 'reassign' && !step.target)
        ctx.addIssue({ code: 'custom', path: [i, 'target'], message: 'a reassign step needs a target' });
      if (step.action !== 'reassign' && step.target)
        ctx.addIssue({ code: 'custom', path: [i, 'target'], message: 'only reassign steps take a target' });
    });
  });

/** A due notifying timer as the sweep claims it: the timer, its open assignment, and the owner's team manager. */
export type FiringTimer = {
  id: string;
  action: 'due_soon' | 'notify_owner' | 'notify_manager' | 'breach';
  stepIndex: number;
  assignmentId: string;
  recordType: string;
  recordId: string;
  ownerId: string;
  managerId: string | null;
  dueAt: Date;
  reason: string;
};

/** What a fired notifying timer did, as stored on the timer (`outcome`) and in its audit row. */
export const ESCALATION_OUTCOME = {
  due_soon: 'owner reminded',
  breach: 'breached',
  notify_owner: 'owner notified',
  notify_manager: 'manager notified',
  notify_manager_without_manager: 'no manager to notify',
} as const;

export function escalationOutcome(timer: Pick<FiringTimer, 'action' | 'managerId'>): string {
  if (timer.action === 'notify_manager' && !timer.managerId) return ESCALATION_OUTCOME.notify_manager_without_manager;
  return ESCALATION_OUTCOME[timer.action];
}

export type EscalationNotification = { userId: string; kind: 'due_soon' | 'breached' | 'escalated'; title: string; body: string };

/**
 * Who hears about a fired timer, and what they read: a breach tells the owner and their manager (once, when
 * the owner manages their own team), notify_owner and due_soon the owner, notify_manager the manager if
 * there is one.
 */
export function escalationNotifications(timer: FiringTimer): EscalationNotification[] {
  const body = `${timer.reason} — due ${timer.dueAt.toISOString()}`;
  const manager = timer.managerId;
  switch (timer.action) {
    case 'due_soon':
      return [{ userId: timer.ownerId, kind: 'due_soon', title: `Due soon: ${timer.recordType}`, body }];
    case 'breach':
      return [
        { userId: timer.ownerId, kind: 'breached', title: `SLA breached: ${timer.recordType}`, body },
        ...(manager && manager !== timer.ownerId
          ? [{ userId: manager, kind: 'breached' as const, title: `Your team breached an SLA`, body }]
          : []),
      ];
    case 'notify_owner':
      return [{ userId: timer.ownerId, kind: 'escalated', title: `Escalation: ${timer.recordType} needs you`, body }];
    case 'notify_manager':
      return manager ? [{ userId: manager, kind: 'escalated', title: `Escalated to you: ${timer.recordType}`, body }] : [];
  }
}

/** A due-soon reminder is not an escalation: it is in the inbox and the outbox, not the audit trail. */
export const isAuditedEscalation = (timer: Pick<FiringTimer, 'action'>): boolean => timer.action !== 'due_soon';

/** The audit reason of a fired timer (actor is the sweep's). */
export const escalationAuditReason = (timer: Pick<FiringTimer, 'action' | 'stepIndex' | 'assignmentId'>): string =>
  `${timer.action === 'breach' ? 'SLA breached' : `escalation step ${timer.stepIndex}: ${timer.action}`} (assignment ${timer.assignmentId})`;
