import type { Selectable } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { AccountRow, AssignmentRow, LeadRow, OpportunityRow } from './store.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const num = (v: string | number | null) => (v === null ? null : Number(v));

export const assignmentView = (a: AssignmentRow) => ({
  id: a.id,
  recordType: a.record_type,
  recordId: a.record_id,
  ownerId: a.owner_id,
  previousOwnerId: a.previous_owner_id,
  teamId: a.team_id,
  reasonCode: a.reason_code,
  reason: a.reason,
  dueAt: a.due_at.toISOString(),
  source: a.source,
  rulesetId: a.ruleset_id,
  rulesetVersion: a.ruleset_number,
  ruleId: a.rule_id,
  poolId: a.pool_id,
  queueId: a.queue_id,
  fairness: a.fairness,
  explanation: a.explanation,
  priority: a.priority,
  escalationPolicyId: a.escalation_policy_id,
  actorId: a.actor_id,
  actorLabel: a.actor_label,
  createdAt: a.created_at.toISOString(),
  acknowledgedAt: iso(a.acknowledged_at),
  closedAt: iso(a.closed_at),
  closedReason: a.closed_reason,
});
export type AssignmentView = ReturnType<typeof assignmentView>;

export const accountView = (a: AccountRow) => ({
  id: a.id,
  name: a.name,
  domain: a.domain,
  region: a.region,
  country: a.country,
  segment: a.segment,
  tier: a.tier,
  industry: a.industry,
  employees: a.employees,
  annualRevenue: num(a.annual_revenue),
  channelPartnerId: a.channel_partner_id,
  directOnly: a.direct_only,
  attributes: a.attributes,
  ownerId: a.owner_id,
  currentAssignmentId: a.current_assignment_id,
  status: a.status,
  version: a.version,
  createdAt: a.created_at.toISOString(),
  updatedAt: a.updated_at.toISOString(),
});
export type AccountView = ReturnType<typeof accountView>;

export const leadView = (l: LeadRow) => ({
  id: l.id,
  name: l.name,
  company: l.company,
  email: l.email,
  domain: l.domain,
  region: l.region,
  country: l.country,
  product: l.product,
  productLine: l.product_line,
  amount: num(l.amount),
  currency: l.currency,
  source: l.source,
  status: l.status,
  accountId: l.account_id,
  attributes: l.attributes,
  ownerId: l.owner_id,
  currentAssignmentId: l.current_assignment_id,
  version: l.version,
  createdAt: l.created_at.toISOString(),
  updatedAt: l.updated_at.toISOString(),
});
export type LeadView = ReturnType<typeof leadView>;

export const opportunityView = (o: OpportunityRow) => ({
  id: o.id,
  name: o.name,
  accountId: o.account_id,
  stage: o.stage,
  stageChangedAt: o.stage_changed_at.toISOString(),
  status: o.status,
  amount: num(o.amount),
  currency: o.currency,
  product: o.product,
  productLine: o.product_line,
  region: o.region,
  closeDate: o.close_date ? o.close_date.toISOString().slice(0, 10) : null,
  attributes: o.attributes,
  ownerId: o.owner_id,
  currentAssignmentId: o.current_assignment_id,
  version: o.version,
  createdAt: o.created_at.toISOString(),
  updatedAt: o.updated_at.toISOString(),
});
export type OpportunityView = ReturnType<typeof opportunityView>;

export const poolView = (p: Selectable<Database['pools']>, members: Array<Selectable<Database['pool_members']>>) => ({
  id: p.id,
  name: p.name,
  strategy: p.strategy,
  returnPolicy: p.return_policy,
  useSkills: p.use_skills,
  respectHours: p.respect_hours,
  criteriaCaps: p.criteria_caps,
  fallback: p.fallback_type && p.fallback_id ? { type: p.fallback_type, id: p.fallback_id } : null,
  fairness: p.fairness,
  decisions: Number(p.decisions),
  members: members.map((m) => ({
    userId: m.user_id,
    position: m.position,
    weight: m.weight,
    wipCap: m.wip_cap,
    rateCap: { perDay: m.rate_per_day, perWeek: m.rate_per_week },
    regions: m.regions,
    productLines: m.product_lines,
  })),
  version: p.version,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});
export type PoolView = ReturnType<typeof poolView>;

export const rulesetView = (r: Selectable<Database['rulesets']>) => ({
  id: r.id,
  recordType: r.record_type,
  name: r.name,
  number: r.number,
  status: r.status,
  rules: r.rules,
  authorId: r.author_id,
  submittedBy: r.submitted_by,
  approvedBy: r.approved_by,
  publishedAt: iso(r.published_at),
  retiredAt: iso(r.retired_at),
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
export type RulesetView = ReturnType<typeof rulesetView>;

export const queueView = (q: Selectable<Database['queues']>) => ({
  id: q.id,
  name: q.name,
  ownerId: q.owner_id,
  description: q.description,
  version: q.version,
  createdAt: q.created_at.toISOString(),
});

export const escalationPolicyView = (p: Selectable<Database['escalation_policies']>) => ({
  id: p.id,
  name: p.name,
  steps: p.steps,
  version: p.version,
  createdAt: p.created_at.toISOString(),
});
