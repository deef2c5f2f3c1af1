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
      if (step.action === 'reassign' && !step.target) ctx.addIssue({ code: 'custom', path: [i, 'target'], message: 'a reassign step needs a target' });
      if (step.action !== 'reassign' && step.target) ctx.addIssue({ code: 'custom', path: [i, 'target'], message: 'only reassign steps take a target' });
    });
  });
