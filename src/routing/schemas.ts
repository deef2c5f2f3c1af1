import { z } from 'zod';
import { ConditionSchema } from './core/conditions.js';
import { EscalationStepsSchema } from './core/escalation.js';
import { ROUTABLE_TYPES, type RoutableRecordType } from './core/record-types.js';
import { RuleListSchema } from './core/ruleset.js';

const Text = (max = 200) => z.string().trim().min(1).max(max);
const OptionalText = (max = 200) => z.string().trim().max(max).nullable().optional();
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$/, 'must be a domain like example.com');
const Money = z.number().int('must be integer minor units').min(0).max(Number.MAX_SAFE_INTEGER);
const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code');
const Attributes = z.record(z.string().min(1).max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()])).refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes');
export const RecordTypeSchema = z.enum(ROUTABLE_TYPES as [RoutableRecordType, ...RoutableRecordType[]]);
export const Reason = z.string().trim().min(1).max(1000);

export const CreateAccountSchema = z.strictObject({
  name: Text(),
  domain: Domain.nullable().optional(),
  region: OptionalText(100),
  country: OptionalText(100),
  segment: OptionalText(100),
  tier: OptionalText(50),
  industry: OptionalText(100),
  employees: z.number().int().min(0).nullable().optional(),
  annualRevenue: Money.nullable().optional(),
  directOnly: z.boolean().optional(),
  attributes: Attributes.optional(),
});
export type CreateAccountInput = z.infer<typeof CreateAccountSchema>;
export const UpdateAccountSchema = CreateAccountSchema.partial().extend({ reason: Reason.optional() });
export type UpdateAccountInput = z.infer<typeof UpdateAccountSchema>;

export const CreateLeadSchema = z.strictObject({
  name: Text(),
  company: OptionalText(),
  email: z.email().max(254).nullable().optional(),
  domain: Domain.nullable().optional(),
  region: OptionalText(100),
  country: OptionalText(100),
  product: OptionalText(),
  productLine: OptionalText(100),
  amount: Money.nullable().optional(),
  currency: Currency.optional(),
  source: OptionalText(100),
  accountId: z.uuid().nullable().optional(),
  attributes: Attributes.optional(),
});
export type CreateLeadInput = z.infer<typeof CreateLeadSchema>;
export const UpdateLeadSchema = CreateLeadSchema.partial().extend({ status: z.enum(['open', 'converted', 'disqualified']).optional(), reason: Reason.optional() });
export type UpdateLeadInput = z.infer<typeof UpdateLeadSchema>;

export const OPPORTUNITY_STAGES = ['Prospecting', 'Engaging', 'Qualification', 'Proposal', 'Negotiation', 'Won', 'Lost'] as const;
export const StageSchema = z.enum(OPPORTUNITY_STAGES);
export const CreateOpportunitySchema = z.strictObject({
  name: Text(),
  accountId: z.uuid().nullable().optional(),
  stage: StageSchema.default('Prospecting'),
  amount: Money.nullable().optional(),
  currency: Currency.optional(),
  product: OptionalText(),
  productLine: OptionalText(100),
  region: OptionalText(100),
  closeDate: z.iso.date().nullable().optional(),
  attributes: Attributes.optional(),
});
export type CreateOpportunityInput = z.infer<typeof CreateOpportunitySchema>;
export const UpdateOpportunitySchema = CreateOpportunitySchema.partial().extend({ stage: StageSchema.optional(), reason: Reason.optional() });
export type UpdateOpportunityInput = z.infer<typeof UpdateOpportunitySchema>;

export const LogActivitySchema = z.strictObject({
  kind: z.enum(['call', 'email', 'meeting', 'note', 'task']),
  subject: Text(300),
  notes: z.string().max(10_000).nullable().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export type LogActivityInput = z.infer<typeof LogActivitySchema>;

export const CriteriaCapSchema = z.strictObject({ name: Text(60), when: ConditionSchema, max: z.number().int().min(0).max(100_000) });

export const PoolMemberSchema = z.strictObject({
  userId: z.uuid(),
  weight: z.number().int().min(1).max(1000).optional(),
  wipCap: z.number().int().min(0, 'caps cannot be negative').max(100_000).nullable().optional(),
  rateCap: z
    .strictObject({
      perDay: z.number().int().min(0, 'caps cannot be negative').max(100_000).nullable().optional(),
      perWeek: z.number().int().min(0, 'caps cannot be negative').max(100_000).nullable().optional(),
    })
    .optional(),
  regions: z.array(Text(100)).max(50).optional(),
  productLines: z.array(Text(100)).max(50).optional(),
});
export const FallbackSchema = z.strictObject({ type: z.enum(['user', 'pool', 'queue']), id: z.uuid() });

export const CreatePoolSchema = z.strictObject({
  name: Text(),
  strategy: z.enum(['round_robin', 'weighted', 'least_loaded']),
  returnPolicy: z.enum(['keep_position', 'catch_up']).optional(),
  useSkills: z.boolean().optional(),
  respectHours: z.boolean().optional(),
  criteriaCaps: z.array(CriteriaCapSchema).max(20).optional(),
  members: z
    .array(PoolMemberSchema)
    .max(500)
    .superRefine((members, ctx) => {
      const seen = new Set<string>();
      members.forEach((m, i) => {
        if (seen.has(m.userId)) ctx.addIssue({ code: 'custom', path: [i, 'userId'], message: 'listed twice' });
        seen.add(m.userId);
      });
    }),
  fallback: FallbackSchema.nullable().optional(),
});
export type CreatePoolInput = z.infer<typeof CreatePoolSchema>;
export const UpdatePoolSchema = CreatePoolSchema.partial().extend({ reason: Reason.optional() });
export type UpdatePoolInput = z.infer<typeof UpdatePoolSchema>;

export const CreateQueueSchema = z.strictObject({ name: Text(), ownerId: z.uuid(), description: OptionalText(1000) });
export const CreateEscalationPolicySchema = z.strictObject({ name: Text(), steps: EscalationStepsSchema });
export const CreateAbsenceSchema = z
  .strictObject({ userId: z.uuid().optional(), startsAt: z.iso.datetime({ offset: true }), endsAt: z.iso.datetime({ offset: true }), reason: OptionalText(500) })
  .refine((a) => new Date(a.endsAt) > new Date(a.startsAt), { path: ['endsAt'], message: 'must be after startsAt' });

export const CreateRulesetSchema = z.strictObject({ recordType: RecordTypeSchema, name: Text(), rules: RuleListSchema });
export type CreateRulesetInput = z.infer<typeof CreateRulesetSchema>;
export const UpdateRulesetSchema = z.strictObject({ name: Text().optional(), rules: RuleListSchema.optional() });
export type UpdateRulesetInput = z.infer<typeof UpdateRulesetSchema>;

export const RoutingPolicySchema = z.strictObject({
  publishRequiresApproval: z.boolean().optional(),
  overrideApprovalCrossTeam: z.boolean().optional(),
  overrideApprovalMinAmount: Money.nullable().optional(),
  defaultSlaHours: z.number().positive().max(8760).optional(),
  dueSoonHours: z.number().positive().max(720).optional(),
});

export const RouteRequestSchema = z.strictObject({ recordType: RecordTypeSchema, recordId: z.uuid() });
export const RouteBatchSchema = z.strictObject({ recordType: RecordTypeSchema, recordIds: z.array(z.uuid()).min(1).max(10_000) });

export const SimulateSchema = z
  .strictObject({
    recordType: RecordTypeSchema,
    rulesetId: z.uuid().optional(),
    rules: RuleListSchema.optional(),
    recordIds: z.array(z.uuid()).max(5000).optional(),
    sinceDays: z.number().int().min(1).max(365).optional(),
  })
  .refine((s) => (s.rulesetId === undefined) !== (s.rules === undefined), { path: ['rulesetId'], message: 'give exactly one of rulesetId or rules' })
  .refine((s) => (s.recordIds === undefined) !== (s.sinceDays === undefined), { path: ['recordIds'], message: 'give exactly one of recordIds or sinceDays' });
export type SimulateInput = z.infer<typeof SimulateSchema>;

export const ReassignSchema = z.strictObject({
  toUserId: z.uuid(),
  reasonCode: z.enum(['territory_change', 'customer_request', 'workload', 'expertise', 'relationship', 'error_correction', 'other']),
  reason: Reason,
  dueAt: z.iso.datetime({ offset: true }).optional(),
});
export type ReassignInput = z.infer<typeof ReassignSchema>;
export const DecisionSchema = z.strictObject({ reason: Reason });

export const CopyRulesetSchema = z.strictObject({ name: Text().optional() });
export const ValidateRulesSchema = z.strictObject({ recordType: RecordTypeSchema, rules: RuleListSchema });
export const TestRulesSchema = z
  .strictObject({
    recordType: RecordTypeSchema,
    rulesetId: z.uuid().optional(),
    rules: RuleListSchema.optional(),
    recordId: z.uuid().optional(),
    facts: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((s) => (s.rulesetId === undefined) !== (s.rules === undefined), { path: ['rulesetId'], message: 'give exactly one of rulesetId or rules' })
  .refine((s) => (s.recordId === undefined) !== (s.facts === undefined), { path: ['recordId'], message: 'give exactly one of recordId or facts' });
export const PeriodQuerySchema = z
  .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((p) => new Date(p.to) > new Date(p.from), { path: ['to'], message: 'must be after from' });
