/**
 * What a partner may see, field by field. Pure: every partner response is built here from rows that were
 * already read behind the partner wall, and nothing is copied wholesale — a column added to a table later
 * never reaches a partner unless a line is added here (and to the allow-list response schema).
 */

export const PORTAL_REGISTRATION_STATUSES = [
  'submitted',
  'under_review',
  'approved',
  'rejected',
  'returned',
  'won',
  'lost',
  'expired',
  'withdrawn',
] as const;
export type RegistrationStatus = (typeof PORTAL_REGISTRATION_STATUSES)[number];

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());
const day = (d: Date | string) => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

// ---- availability -----------------------------------------------------------------------------------------
export type AvailabilityBand = 'in_stock' | 'limited' | 'out';
export const IN_STOCK_FROM = 50;

/** Partners see a band, never the number: ≥ 50 available in stock, 1–49 limited, none out. */
export function availabilityBand(available: number): AvailabilityBand {
  if (available >= IN_STOCK_FROM) return 'in_stock';
  if (available >= 1) return 'limited';
  return 'out';
}

/** Sellable units of an item: on hand less allocated and quarantined, per location, never below zero. */
export function availableUnits(levels: Array<{ on_hand: number; allocated: number; quarantined: number }>): number {
  return levels.reduce((sum, l) => sum + Math.max(0, l.on_hand - l.allocated - l.quarantined), 0);
}

// ---- registrations ----------------------------------------------------------------------------------------
/** The registration columns the partner role may read (0006 column grants) that the projection uses. */
export const PARTNER_REGISTRATION_COLUMNS = [
  'id',
  'reference',
  'customer_name',
  'customer_domain',
  'customer_country',
  'customer_region',
  'customer_postal_code',
  'customer_phone',
  'product_line',
  'amount_minor',
  'currency',
  'expected_close_date',
  'description',
  'status',
  'decision_reason',
  'info_request',
  'approved_at',
  'expires_at',
  'last_activity_at',
  'closed_at',
  'version',
  'created_at',
] as const;

export type PartnerRegistrationRow = {
  id: string;
  reference: string | null;
  customer_name: string;
  customer_domain: string | null;
  customer_country: string | null;
  customer_region: string | null;
  customer_postal_code: string | null;
  customer_phone: string | null;
  product_line: string;
  amount_minor: string | number;
  currency: string;
  expected_close_date: Date | string;
  description: string | null;
  status: RegistrationStatus;
  decision_reason: string | null;
  info_request: string | null;
  approved_at: Date | string | null;
  expires_at: Date | string | null;
  last_activity_at: Date | string | null;
  closed_at: Date | string | null;
  version: number;
  created_at: Date | string;
};

export type PartnerActivityRow = {
  id: string;
  kind: string;
  subject: string;
  notes: string | null;
  occurred_at: Date | string;
  created_at: Date | string;
};

export const partnerActivityView = (a: PartnerActivityRow) => ({
  id: a.id,
  kind: a.kind,
  subject: a.subject,
  notes: a.notes,
  occurredAt: iso(a.occurred_at)!,
  createdAt: iso(a.created_at)!,
});
export type PartnerActivityView = ReturnType<typeof partnerActivityView>;

export const partnerRegistrationSummary = (r: PartnerRegistrationRow) => ({
  id: r.id,
  reference: r.reference,
  customerName: r.customer_name,
  customerDomain: r.customer_domain,
  customerCountry: r.customer_country,
  customerRegion: r.customer_region,
  customerPostalCode: r.customer_postal_code,
  customerPhone: r.customer_phone,
  productLine: r.product_line,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  expectedCloseDate: day(r.expected_close_date),
  description: r.description,
  status: r.status,
  decisionReason: r.decision_reason,
  infoRequest: r.info_request,
  approvedAt: iso(r.approved_at),
  expiresAt: iso(r.expires_at),
  lastActivityAt: iso(r.last_activity_at),
  closedAt: iso(r.closed_at),
  version: r.version,
  createdAt: iso(r.created_at)!,
});
export type PartnerRegistrationSummary = ReturnType<typeof partnerRegistrationSummary>;

export const partnerRegistrationView = (r: PartnerRegistrationRow, activities: PartnerActivityRow[]) => ({
  ...partnerRegistrationSummary(r),
  activities: activities.map(partnerActivityView),
});
export type PartnerRegistrationView = ReturnType<typeof partnerRegistrationView>;

// ---- accounts ---------------------------------------------------------------------------------------------
export type PartnerAccountRow = {
  id: string;
  name: string;
  domain: string | null;
  region: string | null;
  country: string | null;
  industry: string | null;
  channel_partner_id: string | null;
};

/** An account the partner owns as channel partner, or holds a live registration on. */
export const partnerAccountView = (a: PartnerAccountRow, partnerId: string) => ({
  id: a.id,
  name: a.name,
  domain: a.domain,
  region: a.region,
  country: a.country,
  industry: a.industry,
  relation: a.channel_partner_id === partnerId ? ('channel_owner' as const) : ('registered' as const),
});
export type PartnerAccountView = ReturnType<typeof partnerAccountView>;

// ---- products ---------------------------------------------------------------------------------------------
export type PriceBreakRow = { item_id: string; min_quantity: number; unit_price_minor: string | number; currency: string };

export const partnerProductView = (
  item: { id: string; sku: string; name: string; specs: unknown; product_line: string | null },
  breaks: PriceBreakRow[],
  available: number,
) => ({
  id: item.id,
  sku: item.sku,
  name: item.name,
  productLine: item.product_line,
  specs: (item.specs ?? {}) as Record<string, unknown>,
  prices: [...breaks]
    .sort((a, b) => a.min_quantity - b.min_quantity)
    .map((b) => ({ minQuantity: b.min_quantity, unitPriceMinor: Number(b.unit_price_minor), currency: b.currency })),
  availability: availabilityBand(available),
});
export type PartnerProductView = ReturnType<typeof partnerProductView>;

// ---- notices and the partner itself -------------------------------------------------------------------------
export type PartnerNoticeRow = {
  id: string;
  registration_id: string | null;
  kind: string;
  title: string;
  body: string;
  created_at: Date | string;
  read_at: Date | string | null;
};

export const partnerNoticeView = (n: PartnerNoticeRow) => ({
  id: n.id,
  registrationId: n.registration_id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  createdAt: iso(n.created_at)!,
  readAt: iso(n.read_at),
});
export type PartnerNoticeView = ReturnType<typeof partnerNoticeView>;

export const ownPartnerView = (
  p: { id: string; name: string; status: string; tier: string; territory: string[]; registration_cap: number | null },
  tier: { name: string; registration_cap: number },
  activeRegistrations: number,
) => ({
  id: p.id,
  name: p.name,
  status: p.status,
  tier: p.tier,
  tierName: tier.name,
  territory: p.territory,
  registrationCap: p.registration_cap ?? tier.registration_cap,
  activeRegistrations,
});
export type OwnPartnerView = ReturnType<typeof ownPartnerView>;

/** Statuses that count against the partner's registration cap. */
export const ACTIVE_REGISTRATION_STATUSES = ['submitted', 'under_review', 'returned', 'approved'] as const;
/**
 * Statuses through which an account becomes the partner's "registered" account. A pending or rejected
 * registration never does: its matched account may be direct-only or another partner's, and showing it would
 * tell the partner who the customer already belongs to (same rule as the accounts policy in 0012).
 */
export const ACCOUNT_GRANTING_STATUSES = ['approved', 'won'] as const;
