/**
 * Facts are what rules see: one flat-ish object per record, with derived fields precomputed so the compiled
 * rules only read. Timestamps are epoch milliseconds.
 */
export type Facts = Record<string, unknown>;

export type ActiveRegistration = { partnerId: string; productLine: string };

export type AccountFacts = {
  id: string;
  name: string;
  domain: string | null;
  region: string | null;
  country: string | null;
  segment: string | null;
  tier: string | null;
  industry: string | null;
  employees: number | null;
  annualRevenue: number | null;
  ownerId: string | null;
  channelPartnerId: string | null;
  hasActiveRegistration: boolean;
  /** The approved (exclusive) registrations on the account, oldest approval first: who is protected, for what. */
  activeRegistrations: ActiveRegistration[];
  directOnly: boolean;
  createdAt: number;
  attributes: Record<string, unknown>;
};

const DAY_MS = 86_400_000;
const ageInDays = (from: number, now: number) => Math.floor((now - from) / DAY_MS);

export type LeadInput = {
  id: string;
  name: string;
  company: string | null;
  email: string | null;
  domain: string | null;
  region: string | null;
  country: string | null;
  product: string | null;
  productLine: string | null;
  amount: number | null;
  source: string | null;
  status: string;
  createdAt: number;
  attributes: Record<string, unknown>;
};

export function leadFacts(lead: LeadInput, account: AccountFacts | null, now: number): Facts {
  return { ...lead, ageDays: ageInDays(lead.createdAt, now), account: account ?? undefined };
}

export function accountFacts(account: AccountFacts): Facts {
  return { ...account };
}

export type OpportunityInput = {
  id: string;
  name: string;
  stage: string;
  status: string;
  amount: number | null;
  product: string | null;
  productLine: string | null;
  region: string | null;
  closeDate: number | null;
  stageChangedAt: number;
  createdAt: number;
  attributes: Record<string, unknown>;
};

export function opportunityFacts(opportunity: OpportunityInput, account: AccountFacts | null, now: number, previous?: Record<string, unknown>): Facts {
  return {
    ...opportunity,
    region: opportunity.region ?? account?.region ?? null,
    stageAgeDays: ageInDays(opportunity.stageChangedAt, now),
    account: account ?? undefined,
    previous: previous ?? {},
  };
}
