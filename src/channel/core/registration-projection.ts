/**
 * What a partner may see of a registration, and nothing else (channel contract, "Partner projection"): an
 * allow-list copied field by field, so a field added to the internal view never leaks by default. Owner,
 * channel manager, internal notes, probability, flags, match, decision code and other partners stay out.
 */
export type PartnerActivity = { id: string; kind: string; subject: string; notes: string | null; occurredAt: string };

export type PartnerRegistration = {
  id: string;
  reference: string | null;
  customerName: string;
  customerDomain: string | null;
  customerCountry: string | null;
  customerRegion: string | null;
  customerPostalCode: string | null;
  customerPhone: string | null;
  productLine: string;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string;
  description: string | null;
  status: string;
  decisionReason: string | null;
  infoRequest: string | null;
  approvedAt: string | null;
  expiresAt: string | null;
  lastActivityAt: string | null;
  closedAt: string | null;
  version: number;
  createdAt: string;
  activities: PartnerActivity[];
};

type Source = Omit<PartnerRegistration, 'activities'>;

export const PARTNER_REGISTRATION_FIELDS = [
  'id',
  'reference',
  'customerName',
  'customerDomain',
  'customerCountry',
  'customerRegion',
  'customerPostalCode',
  'customerPhone',
  'productLine',
  'amountMinor',
  'currency',
  'expectedCloseDate',
  'description',
  'status',
  'decisionReason',
  'infoRequest',
  'approvedAt',
  'expiresAt',
  'lastActivityAt',
  'closedAt',
  'version',
  'createdAt',
  'activities',
] as const satisfies ReadonlyArray<keyof PartnerRegistration>;

export function partnerRegistration(view: Source, activities: PartnerActivity[]): PartnerRegistration {
  return {
    id: view.id,
    reference: view.reference,
    customerName: view.customerName,
    customerDomain: view.customerDomain,
    customerCountry: view.customerCountry,
    customerRegion: view.customerRegion,
    customerPostalCode: view.customerPostalCode,
    customerPhone: view.customerPhone,
    productLine: view.productLine,
    amountMinor: view.amountMinor,
    currency: view.currency,
    expectedCloseDate: view.expectedCloseDate,
    description: view.description,
    status: view.status,
    decisionReason: view.decisionReason,
    infoRequest: view.infoRequest,
    approvedAt: view.approvedAt,
    expiresAt: view.expiresAt,
    lastActivityAt: view.lastActivityAt,
    closedAt: view.closedAt,
    version: view.version,
    createdAt: view.createdAt,
    activities: activities.map((a) => ({ id: a.id, kind: a.kind, subject: a.subject, notes: a.notes, occurredAt: a.occurredAt })),
  };
}
