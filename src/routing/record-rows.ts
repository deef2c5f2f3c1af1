import { statusOfStage } from './core/stages.js';
import type { CreateAccountInput, CreateLeadInput, CreateOpportunityInput } from './schemas.js';

/** The row a created record starts as: one definition for the single and the batch create use cases. */
export const accountRow = (input: CreateAccountInput, now: Date) => ({
  name: input.name,
  domain: input.domain ?? null,
  region: input.region ?? null,
  country: input.country ?? null,
  segment: input.segment ?? null,
  tier: input.tier ?? null,
  industry: input.industry ?? null,
  employees: input.employees ?? null,
  annual_revenue: input.annualRevenue ?? null,
  direct_only: input.directOnly ?? false,
  attributes: JSON.stringify(input.attributes ?? {}),
  created_at: now,
  updated_at: now,
});

/** A lead's domain: given, or its e-mail's. */
export const leadDomain = (input: CreateLeadInput) => input.domain ?? input.email?.split('@')[1]?.toLowerCase() ?? null;

export const leadRow = (input: CreateLeadInput, accountId: string | null, now: Date) => ({
  name: input.name,
  company: input.company ?? null,
  email: input.email?.toLowerCase() ?? null,
  domain: leadDomain(input),
  region: input.region ?? null,
  country: input.country ?? null,
  product: input.product ?? null,
  product_line: input.productLine ?? null,
  amount: input.amount ?? null,
  currency: input.currency ?? 'USD',
  source: input.source ?? null,
  account_id: accountId,
  attributes: JSON.stringify(input.attributes ?? {}),
  created_at: now,
  updated_at: now,
});

export const opportunityRow = (input: CreateOpportunityInput, accountRegion: string | null, now: Date) => ({
  name: input.name,
  account_id: input.accountId ?? null,
  stage: input.stage,
  stage_changed_at: now,
  status: statusOfStage(input.stage),
  amount: input.amount ?? null,
  currency: input.currency ?? 'USD',
  product: input.product ?? null,
  product_line: input.productLine ?? null,
  region: input.region ?? accountRegion ?? null,
  close_date: input.closeDate ?? null,
  attributes: JSON.stringify(input.attributes ?? {}),
  created_at: now,
  updated_at: now,
});
