import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { type Clock, fixedClock } from '../platform/clock.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import type { Rule } from './core/ruleset.js';
import { createAbsence } from './use-cases/create-absence.js';
import { createAccount } from './use-cases/create-account.js';
import { createEscalationPolicy } from './use-cases/create-escalation-policy.js';
import { createLead } from './use-cases/create-lead.js';
import { createOpportunity } from './use-cases/create-opportunity.js';
import { createPool } from './use-cases/create-pool.js';
import { createQueue } from './use-cases/create-queue.js';
import { createRuleset } from './use-cases/create-ruleset.js';
import { publishRuleset } from './use-cases/publish-ruleset.js';
import { decideOverride } from './use-cases/decide-override.js';
import { reassignRecord } from './use-cases/reassign-record.js';
import { sweepEscalations } from './use-cases/sweep-escalations.js';

const PipelineRow = z.object({
  opportunity_id: z.string(),
  sales_agent: z.string(),
  product: z.string(),
  account: z.string(),
  deal_stage: z.string(),
  engage_date: z.string(),
  close_value: z.string(),
});
const AccountRow = z.object({ account: z.string(), sector: z.string(), revenue: z.string(), employees: z.string(), office_location: z.string() });
const ProductRow = z.object({ product: z.string(), series: z.string(), sales_price: z.string() });
const TeamRow = z.object({ sales_agent: z.string(), manager: z.string(), regional_office: z.string() });

const read = <T>(dataDir: string, file: string, schema: z.ZodType<T>) => z.array(schema).parse(parse(fs.readFileSync(path.join(dataDir, file)), { columns: true, skip_empty_lines: true, trim: true }));
const domainOf = (name: string) => `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`;
// The dataset's own dirt: the pipeline says "GTXPro" where the catalogue says "GTX Pro".
const normaliseProduct = (p: string) => (p === 'GTXPro' ? 'GTX Pro' : p);

export type RoutingDemoSummary = { pools: number; leads: number; accounts: number; opportunities: number };

/**
 * A routing setup that looks like a real revenue team: one pool per regional office (three strategies),
 * rules by region, product line and amount, an escalation policy, a triage queue, a few people away — and
 * traffic from the CRM sample dataset, some of it three days old so breaches and escalations are real.
 */
export async function seedRoutingDemo(ctx: UseCaseContext, options: { dataDir: string; onProgress?: (step: string) => void }): Promise<RoutingDemoSummary> {
  const teamRows = read(options.dataDir, 'sales_teams.csv', TeamRow);
  const pipeline = read(options.dataDir, 'sales_pipeline.csv', PipelineRow);
  const accountsCsv = read(options.dataDir, 'accounts.csv', AccountRow);
  const products = new Map(read(options.dataDir, 'products.csv', ProductRow).map((p) => [p.product, p]));
  const users = await ctx.db.selectFrom('users').select(['id', 'name', 'role', 'team_id']).where('email', 'like', '%@demo.baton.dev').execute();
  const userByName = new Map(users.map((u) => [u.name, u]));
  const officeOf = new Map(teamRows.map((r) => [r.sales_agent, r.regional_office]));
  const revops = users.find((u) => u.role === 'revops')!;

  options.onProgress?.('pools and policies');
  const escalation = await createEscalationPolicy(ctx, {
    name: 'Inbound response',
    steps: [
      { offsetHours: -2, businessTime: true, action: 'notify_owner' },
      { offsetHours: 0, businessTime: true, action: 'notify_manager' },
      { offsetHours: 8, businessTime: true, action: 'reassign', target: { type: 'manager' } },
    ],
  });
  const triage = await createQueue(ctx, { name: 'Inbound triage', ownerId: revops.id, description: 'Leads no regional rule claims; RevOps sorts them daily.' });
  const strategies = { Central: 'round_robin', East: 'weighted', West: 'least_loaded' } as const;
  const poolOf = new Map<string, string>();
  for (const office of ['Central', 'East', 'West'] as const) {
    const members = teamRows.filter((r) => r.regional_office === office).map((r, i) => ({ userId: userByName.get(r.sales_agent)!.id, weight: office === 'East' ? 1 + (i % 3) : 1, wipCap: 60, rateCap: { perDay: 25 } }));
    const manager = userByName.get(teamRows.find((r) => r.regional_office === office)!.manager)!;
    const pool = await createPool(ctx, {
      name: `${office} reps`,
      strategy: strategies[office],
      returnPolicy: office === 'East' ? 'catch_up' : 'keep_position',
      members,
      criteriaCaps: [{ name: 'strategic', when: { field: 'amount', op: 'gte', value: 500_000 }, max: 8 }],
      // West honours working hours (so at night its work falls back to the manager, and says why); the
      // others take work around the clock so the demo looks alive whenever it is started.
      respectHours: office === 'West',
      fallback: { type: 'user', id: manager.id },
    });
    poolOf.set(office, pool.id);
  }
  for (const name of ['Hayden Neloms', 'Versie Hillebrand']) {
    const person = userByName.get(name);
    if (person) await createAbsence(ctx, { userId: person.id, startsAt: new Date(ctx.clock.now().getTime() - 86_400_000).toISOString(), endsAt: new Date(ctx.clock.now().getTime() + 6 * 86_400_000).toISOString(), reason: 'Vacation' });
  }

  options.onProgress?.('rule sets');
  const regionRules = (sla: number): Rule[] =>
    (['Central', 'East', 'West'] as const).map((office) => ({
      name: `${office} region`,
      when: { field: 'region', op: 'eq', value: office },
      then: { target: { type: 'pool', id: poolOf.get(office)! }, slaHours: sla, escalationPolicyId: escalation.id, priority: 'normal' },
    }));
  const leadRules: Rule[] = [
    {
      name: 'Strategic GTK deals to the East desk',
      when: { all: [{ field: 'productLine', op: 'eq', value: 'GTK' }, { field: 'amount', op: 'gte', value: 1_000_000 }] },
      then: { target: { type: 'pool', id: poolOf.get('East')! }, slaHours: 2, escalationPolicyId: escalation.id, priority: 'urgent' },
    },
    { name: 'Existing customers to their account owner', when: { field: 'account.ownerId', op: 'exists' }, then: { target: { type: 'relative', relation: 'account.owner' }, slaHours: 4, priority: 'high' } },
    ...regionRules(8),
    { name: 'Triage everything else', when: { all: [] }, then: { target: { type: 'queue', id: triage.id }, slaHours: 24 } },
  ];
  await publishNow(ctx, 'account', 'Accounts by region', [...regionRules(24), { name: 'Unplaced accounts', when: { all: [] }, then: { target: { type: 'queue', id: triage.id } } }]);
  await publishNow(ctx, 'lead', 'Inbound leads', leadRules);
  await publishNow(ctx, 'opportunity', 'Opportunities', [
    { name: 'Negotiation goes to the account owner', when: { field: 'stage', op: 'changedTo', value: 'Negotiation' }, then: { target: { type: 'relative', relation: 'account.owner' }, slaHours: 8 } },
    ...regionRules(16),
    { name: 'Unplaced opportunities', when: { all: [] }, then: { target: { type: 'queue', id: triage.id } } },
  ]);

  options.onProgress?.('accounts');
  const dealsByAccount = new Map<string, string[]>();
  for (const deal of pipeline) if (deal.account) dealsByAccount.set(deal.account, [...(dealsByAccount.get(deal.account) ?? []), officeOf.get(deal.sales_agent) ?? 'Central']);
  const accountIds = new Map<string, string>();
  for (const row of accountsCsv) {
    const offices = dealsByAccount.get(row.account) ?? ['Central'];
    const region = mostCommon(offices);
    const account = await createAccount(ctx, {
      name: row.account,
      domain: domainOf(row.account),
      region,
      country: row.office_location,
      industry: row.sector,
      employees: Number(row.employees) || null,
      annualRevenue: Math.round(Number(row.revenue) * 1_000_000) * 100,
      segment: Number(row.employees) > 5000 ? 'enterprise' : 'mid-market',
    });
    accountIds.set(row.account, account.id);
  }

  options.onProgress?.('leads and opportunities');
  const productFacts = (name: string) => {
    const product = products.get(normaliseProduct(name));
    return { product: normaliseProduct(name), productLine: product?.series ?? null, amount: product ? Number(product.sales_price) * 100 : null };
  };
  // Three days ago: these leads are overdue now, so the risk queue and escalations have real content.
  const threeDaysAgo: UseCaseContext = { ...ctx, clock: fixedClock(new Date(ctx.clock.now().getTime() - 3 * 86_400_000)) as Clock };
  const prospects = pipeline.filter((d) => d.deal_stage === 'Prospecting').slice(0, 160);
  let leads = 0;
  for (const [i, deal] of prospects.entries()) {
    // New inquiries arrive from every region (the sample's prospects all sit with Central agents).
    const region = (['Central', 'East', 'West'] as const)[i % 3]!;
    await createLead(i % 8 === 0 ? threeDaysAgo : ctx, {
      name: `${deal.opportunity_id} inquiry`,
      company: deal.account || `Prospect ${deal.opportunity_id}`,
      email: `buyer.${deal.opportunity_id.toLowerCase()}@${deal.account ? domainOf(deal.account) : 'prospect.example'}`,
      region: i % 11 === 0 ? 'International' : region,
      source: ['web', 'event', 'referral', 'partner'][i % 4]!,
      ...productFacts(deal.product),
      attributes: { datasetId: deal.opportunity_id },
    });
    leads += 1;
  }
  const engaging = pipeline.filter((d) => d.deal_stage === 'Engaging' && d.account).slice(0, 80);
  let opportunities = 0;
  for (const deal of engaging) {
    await createOpportunity(ctx, { name: `${deal.account} · ${normaliseProduct(deal.product)}`, accountId: accountIds.get(deal.account) ?? null, stage: 'Engaging', ...productFacts(deal.product), attributes: { datasetId: deal.opportunity_id } });
    opportunities += 1;
  }

  options.onProgress?.('overrides and escalations');
  const someLeads = await ctx.db.selectFrom('leads').select(['id', 'owner_id']).where('owner_id', 'is not', null).orderBy('created_at').limit(3).execute();
  const manager = users.find((u) => u.role === 'sales_manager')!;
  const managerCtx: UseCaseContext = { ...ctx, actor: { kind: 'user', userId: manager.id, role: 'sales_manager', partnerId: null, label: manager.name, via: 'token' } };
  const rep = users.find((u) => u.role === 'sales_rep' && u.team_id === manager.team_id)!;
  const revopsCtx: UseCaseContext = { ...ctx, actor: { kind: 'user', userId: revops.id, role: 'revops', partnerId: null, label: revops.name, via: 'token' } };
  for (const [i, lead] of someLeads.entries()) {
    if (lead.owner_id === rep.id) continue;
    const outcome = await reassignRecord(managerCtx, { recordType: 'lead', recordId: lead.id }, { toUserId: rep.id, reasonCode: 'relationship', reason: 'Knows the buyer from a previous deal' });
    // Cross-team moves wait for approval: RevOps approves the first and leaves the rest in the approvals queue.
    if (outcome.status === 'approval_pending' && i === 0) await decideOverride(revopsCtx, { requestId: outcome.overrideRequestId, decision: 'approve', reason: 'Relationship outweighs territory here' });
  }
  await sweepEscalations(ctx, { batchSize: 500 });
  return { pools: poolOf.size, leads, accounts: accountIds.size, opportunities };
}

async function publishNow(ctx: UseCaseContext, recordType: 'lead' | 'account' | 'opportunity', name: string, rules: Rule[]) {
  const draft = await createRuleset(ctx, { recordType, name, rules });
  await publishRuleset(ctx, { rulesetId: draft.id, expectedVersion: draft.version });
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}
