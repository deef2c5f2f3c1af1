import { z } from 'zod';

export const IdParams = z.strictObject({ id: z.uuid() });
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const Json = z.unknown();

export const FailedCheckResponse = z.object({ field: z.string(), op: z.string(), value: Json, actual: Json });
export const CandidateResponse = z.object({ userId: z.string(), position: z.number(), eligible: z.boolean(), skipped: z.string().optional(), detail: z.string().optional() });
export const ExplanationResponse = z.object({
  rules: z.array(z.object({ ruleId: z.string().nullable(), name: z.string(), matched: z.boolean(), failed: z.array(FailedCheckResponse) })),
  target: Json,
  path: z.array(z.string()),
  candidates: z.array(CandidateResponse),
  facts: z.record(z.string(), Json),
  evaluatedAt: z.string(),
  guard: z
    .object({
      accountId: z.uuid(),
      partnerId: z.uuid(),
      basis: z.enum(['channel_partner', 'approved_registration']),
      applied: z.boolean(),
      channelManagerId: z.uuid().nullable(),
      note: z.string(),
    })
    .optional(),
});

export const DecisionResponse = z.object({
  recordType: z.string(),
  recordId: z.uuid(),
  outcome: z.enum(['assigned', 'fallback', 'unassigned']),
  ownerId: z.uuid().nullable(),
  dueAt: z.string().nullable(),
  reasonCode: z.string(),
  reason: z.string(),
  rulesetId: z.uuid().nullable(),
  rulesetVersion: z.number().nullable(),
  ruleId: z.string().nullable(),
  poolId: z.uuid().nullable(),
  explanation: ExplanationResponse,
  assignmentId: z.uuid().nullable(),
});

const Owned = {
  attributes: z.record(z.string(), Json),
  ownerId: z.uuid().nullable(),
  currentAssignmentId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const AccountResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().nullable(),
  segment: z.string().nullable(),
  tier: z.string().nullable(),
  industry: z.string().nullable(),
  employees: z.number().nullable(),
  annualRevenue: z.number().nullable(),
  channelPartnerId: z.uuid().nullable(),
  directOnly: z.boolean(),
  status: z.enum(['active', 'archived']),
  ...Owned,
});

export const LeadResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  company: z.string().nullable(),
  email: z.string().nullable(),
  domain: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().nullable(),
  product: z.string().nullable(),
  productLine: z.string().nullable(),
  amount: z.number().nullable(),
  currency: z.string(),
  source: z.string().nullable(),
  status: z.enum(['open', 'converted', 'disqualified']),
  accountId: z.uuid().nullable(),
  ...Owned,
});

export const OpportunityResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  accountId: z.uuid().nullable(),
  stage: z.string(),
  stageChangedAt: z.string(),
  status: z.enum(['open', 'won', 'lost']),
  amount: z.number().nullable(),
  currency: z.string(),
  product: z.string().nullable(),
  productLine: z.string().nullable(),
  region: z.string().nullable(),
  closeDate: z.string().nullable(),
  ...Owned,
});

export const AssignmentResponse = z.object({
  id: z.uuid(),
  recordType: z.string(),
  recordId: z.uuid(),
  ownerId: z.uuid(),
  previousOwnerId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  reasonCode: z.string(),
  reason: z.string(),
  dueAt: z.string(),
  source: z.enum(['rule', 'pool', 'manual', 'escalation', 'import', 'handoff']),
  rulesetId: z.uuid().nullable(),
  rulesetVersion: z.number().nullable(),
  ruleId: z.string().nullable(),
  poolId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  fairness: Json,
  explanation: Json,
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  escalationPolicyId: z.uuid().nullable(),
  actorId: z.uuid().nullable(),
  actorLabel: z.string(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  closedReason: z.string().nullable(),
});

export const ActivityResponse = z.object({
  id: z.uuid(),
  recordType: z.string(),
  recordId: z.uuid(),
  kind: z.string(),
  subject: z.string(),
  notes: z.string().nullable(),
  actorId: z.uuid().nullable(),
  occurredAt: z.string(),
  acknowledged: z.boolean(),
});

export const TimelineResponse = z.object({
  recordType: z.string(),
  recordId: z.uuid(),
  ownerId: z.uuid().nullable(),
  assignments: z.array(AssignmentResponse.extend({ ownerName: z.string() })),
  unassigned: z.object({ reasonCode: z.string(), reason: z.string(), since: z.string(), explanation: Json }).nullable(),
  activities: z.array(z.object({ id: z.uuid(), kind: z.string(), subject: z.string(), actorId: z.uuid().nullable(), occurredAt: z.string() })),
  pendingOverride: z.object({ id: z.uuid(), toUserId: z.uuid(), reasonCode: z.string(), reason: z.string(), requestedBy: z.uuid(), createdAt: z.string() }).nullable(),
});

export const PoolResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  strategy: z.enum(['round_robin', 'weighted', 'least_loaded']),
  returnPolicy: z.enum(['keep_position', 'catch_up']),
  useSkills: z.boolean(),
  respectHours: z.boolean(),
  criteriaCaps: Json,
  fallback: z.object({ type: z.enum(['user', 'pool', 'queue']), id: z.uuid() }).nullable(),
  fairness: Json,
  decisions: z.number(),
  members: z.array(
    z.object({
      userId: z.uuid(),
      position: z.number(),
      weight: z.number(),
      wipCap: z.number().nullable(),
      rateCap: z.object({ perDay: z.number().nullable(), perWeek: z.number().nullable() }),
      regions: z.array(z.string()),
      productLines: z.array(z.string()),
    }),
  ),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const PoolDetailResponse = PoolResponse.extend({
  live: z.array(
    z.object({
      userId: z.uuid(),
      name: z.string(),
      active: z.boolean(),
      away: z.boolean(),
      openCount: z.number(),
      wipCap: z.number().nullable(),
      assignedToday: z.number(),
      assignedThisWeek: z.number(),
      openByCap: z.record(z.string(), z.number()),
    }),
  ),
});

export const ReassignResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('reassigned'), assignment: AssignmentResponse }),
  z.object({ status: z.literal('approval_pending'), overrideRequestId: z.uuid(), approvalReason: z.string() }),
]);

export const OverrideDecisionResponse = z.object({ id: z.uuid(), status: z.enum(['approved', 'rejected']), decidedBy: z.uuid(), assignmentId: z.uuid().nullable() });

const RuleVerdictResponse = z.object({ ruleId: z.string().nullable(), name: z.string(), matched: z.boolean(), failed: z.array(FailedCheckResponse) });
const FieldErrorResponse = z.object({ path: z.string(), message: z.string() });

export const RulesetResponse = z.object({
  id: z.uuid(),
  recordType: z.string(),
  name: z.string(),
  number: z.number().int(),
  status: z.enum(['draft', 'pending_approval', 'published', 'retired']),
  rules: z.array(z.record(z.string(), Json)),
  authorId: z.uuid().nullable(),
  submittedBy: z.uuid().nullable(),
  approvedBy: z.uuid().nullable(),
  publishedAt: z.string().nullable(),
  retiredAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const PublishResponse = z.object({ ruleset: RulesetResponse, pendingApproval: z.boolean() });
export const ValidationResponse = z.object({ valid: z.boolean(), publishable: z.boolean(), errors: z.array(FieldErrorResponse) });

const PlacementResponse = z.object({
  ownerId: z.uuid().nullable(),
  poolId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  fellBack: z.boolean(),
  unassigned: z.object({ code: z.string(), reason: z.string() }).nullable(),
  candidates: z.array(CandidateResponse),
  path: z.array(z.string()),
});
export const RuleTestResponse = z.object({
  facts: z.record(z.string(), Json),
  matchedRule: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  rules: z.array(RuleVerdictResponse),
  placement: PlacementResponse.nullable(),
});

export const SimulationResponse = z.object({
  recordType: z.string(),
  rulesetId: z.uuid().nullable(),
  evaluatedAt: z.string(),
  truncated: z.boolean(),
  summary: z.object({
    records: z.number(),
    changed: z.number(),
    unplaced: z.number(),
    catchAllHits: z.number(),
    distribution: z.array(z.object({ ownerId: z.uuid().nullable(), current: z.number(), projected: z.number(), delta: z.number() })),
    load: z.array(
      z.object({ poolId: z.uuid(), userId: z.uuid(), openCount: z.number(), wipCap: z.number().nullable(), incoming: z.number(), outgoing: z.number(), projected: z.number(), over: z.boolean() }),
    ),
    ruleHits: z.array(z.object({ ruleId: z.string().nullable(), ruleName: z.string().nullable(), catchAll: z.boolean(), hits: z.number() })),
  }),
  decisions: z.array(
    z.object({
      recordId: z.uuid(),
      title: z.string(),
      currentOwnerId: z.uuid().nullable(),
      projectedOwnerId: z.uuid().nullable(),
      ruleId: z.string().nullable(),
      ruleName: z.string().nullable(),
      catchAll: z.boolean(),
      poolId: z.uuid().nullable(),
      changed: z.boolean(),
      unassigned: z.object({ code: z.string(), reason: z.string() }).nullable(),
      path: z.array(z.string()),
      rules: z.array(RuleVerdictResponse),
    }),
  ),
});

export const RoutingPolicyResponse = z.object({
  publishRequiresApproval: z.boolean(),
  overrideApprovalCrossTeam: z.boolean(),
  overrideApprovalMinAmount: z.number().nullable(),
  defaultSlaHours: z.number(),
  dueSoonHours: z.number(),
  version: z.number().int(),
  updatedAt: z.string(),
});

const RiskState = z.enum(['breached', 'due_soon', 'on_track']);
export const RiskQueueResponse = z.object({
  asOf: z.string(),
  totals: z.object({ open: z.number(), breached: z.number(), dueSoon: z.number(), unassigned: z.number(), overCapacityOwners: z.number() }),
  items: z.array(
    z.object({
      assignmentId: z.uuid(),
      recordType: z.string(),
      recordId: z.uuid(),
      title: z.string(),
      ownerId: z.uuid(),
      ownerName: z.string(),
      teamId: z.uuid().nullable(),
      teamName: z.string().nullable(),
      priority: z.string(),
      dueAt: z.string(),
      minutesToBreach: z.number(),
      state: RiskState,
      reason: z.string(),
      nextEscalation: z.object({ action: z.string(), at: z.string() }).nullable(),
    }),
  ),
  breachesByTeam: z.array(z.object({ teamId: z.uuid().nullable(), teamName: z.string().nullable(), breached: z.number(), dueSoon: z.number() })),
  loadByOwner: z.array(z.object({ ownerId: z.uuid(), ownerName: z.string(), open: z.number(), breached: z.number(), wipCap: z.number().nullable(), over: z.boolean() })),
});

export const UnassignedResponse = z.object({
  items: z.array(
    z.object({ recordType: z.string(), recordId: z.uuid(), title: z.string(), reasonCode: z.string(), reason: z.string(), since: z.string(), rulesetId: z.uuid().nullable(), explanation: Json }),
  ),
  byReason: z.array(z.object({ reasonCode: z.string(), count: z.number() })),
});

export const MyWorkResponse = z.object({
  items: z.array(
    z.object({
      assignmentId: z.uuid(),
      recordType: z.string(),
      recordId: z.uuid(),
      title: z.string(),
      reason: z.string(),
      priority: z.string(),
      dueAt: z.string(),
      acknowledgedAt: z.string().nullable(),
      state: z.enum(['breached', 'due_soon', 'on_track', 'acknowledged']),
      assignedAt: z.string(),
    }),
  ),
  counts: z.object({ breached: z.number(), due_soon: z.number(), on_track: z.number(), acknowledged: z.number() }),
});

export const NotificationsResponse = z.object({
  items: z.array(
    z.object({ id: z.uuid(), kind: z.string(), recordType: z.string().nullable(), recordId: z.uuid().nullable(), title: z.string(), body: z.string(), createdAt: z.string(), readAt: z.string().nullable() }),
  ),
  unread: z.number(),
});

const CountsResponse = { override: z.number(), escalation: z.number(), breach: z.number(), unassigned: z.number(), catch_all: z.number(), total: z.number() };
export const ExceptionReportResponse = z.object({
  period: z.object({ from: z.string(), to: z.string() }),
  totals: z.object(CountsResponse),
  byTeam: z.array(z.object({ teamId: z.uuid().nullable(), teamName: z.string().nullable(), ...CountsResponse })),
  byRule: z.array(z.object({ rulesetId: z.uuid().nullable(), ruleId: z.string().nullable(), ruleName: z.string().nullable(), ...CountsResponse })),
  unassignedByReason: z.array(z.object({ reasonCode: z.string(), count: z.number() })),
  items: z.array(
    z.object({
      category: z.enum(['override', 'escalation', 'breach', 'unassigned', 'catch_all']),
      kind: z.string(),
      recordType: z.string(),
      recordId: z.uuid(),
      teamId: z.uuid().nullable(),
      teamName: z.string().nullable(),
      rulesetId: z.uuid().nullable(),
      ruleId: z.string().nullable(),
      ruleName: z.string().nullable(),
      ownerId: z.uuid().nullable(),
      status: z.string().nullable(),
      detail: z.string().nullable(),
      at: z.string(),
    }),
  ),
});
export const StoredReportsResponse = z.object({ items: z.array(z.object({ id: z.uuid(), from: z.string(), to: z.string(), generatedAt: z.string(), totals: z.object(CountsResponse) })) });

export const OverrideRequestsResponse = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      recordType: z.string(),
      recordId: z.uuid(),
      title: z.string(),
      fromOwnerId: z.uuid().nullable(),
      fromOwnerName: z.string().nullable(),
      toUserId: z.uuid(),
      toUserName: z.string(),
      reasonCode: z.string(),
      reason: z.string(),
      dueAt: z.string(),
      approvalReason: z.string(),
      status: z.enum(['pending', 'approved', 'rejected']),
      requestedBy: z.uuid(),
      requestedByName: z.string(),
      decidedBy: z.uuid().nullable(),
      decidedAt: z.string().nullable(),
      decisionReason: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});

const KpiRowResponse = z.object({
  teamId: z.uuid().nullable(),
  teamName: z.string().nullable(),
  assignments: z.number(),
  byRule: z.number(),
  manual: z.number(),
  escalated: z.number(),
  acknowledged: z.number(),
  slaMet: z.number(),
  slaMetRate: z.number().nullable(),
  medianMinutesToAcknowledge: z.number().nullable(),
  p90MinutesToAcknowledge: z.number().nullable(),
});
export const RoutingKpisResponse = z.object({ period: z.object({ from: z.string(), to: z.string() }), overall: KpiRowResponse, byTeam: z.array(KpiRowResponse), unassignedNow: z.number(), overrideRate: z.number().nullable() });
