import { z } from 'zod';
import { PageQuerySchema } from '../platform/pagination.js';
import { PORTAL_REGISTRATION_STATUSES } from './core/portal-projection.js';
import { Reason, RegistrationFields } from './registration-schemas.js';

/**
 * The partner portal's allow-lists. Responses are strict objects: the projection (core/portal-projection.ts)
 * builds every field by hand, and a key that is not listed here makes the response fail rather than pass —
 * nothing reaches a partner that is not named twice.
 */

const at = z.string();
const nullableAt = z.string().nullable();

export const PortalActivityResponse = z.strictObject({
  id: z.uuid(),
  kind: z.string(),
  subject: z.string(),
  notes: z.string().nullable(),
  occurredAt: at,
  createdAt: at,
});

const registrationFields = {
  id: z.uuid(),
  reference: z.string().nullable(),
  customerName: z.string(),
  customerDomain: z.string().nullable(),
  customerCountry: z.string().nullable(),
  customerRegion: z.string().nullable(),
  customerPostalCode: z.string().nullable(),
  customerPhone: z.string().nullable(),
  productLine: z.string(),
  amountMinor: z.number().int(),
  currency: z.string(),
  expectedCloseDate: z.string(),
  description: z.string().nullable(),
  status: z.enum(PORTAL_REGISTRATION_STATUSES),
  decisionReason: z.string().nullable(),
  infoRequest: z.string().nullable(),
  approvedAt: nullableAt,
  expiresAt: nullableAt,
  lastActivityAt: nullableAt,
  closedAt: nullableAt,
  version: z.number().int(),
  createdAt: at,
};
export const PortalRegistrationSummaryResponse = z.strictObject(registrationFields);
export const PortalRegistrationResponse = z.strictObject({ ...registrationFields, activities: z.array(PortalActivityResponse) });

export const PortalAccountResponse = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  domain: z.string().nullable(),
  region: z.string().nullable(),
  country: z.string().nullable(),
  industry: z.string().nullable(),
  relation: z.enum(['channel_owner', 'registered']),
});

export const PortalProductResponse = z.strictObject({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  productLine: z.string().nullable(),
  specs: z.record(z.string(), z.unknown()),
  prices: z.array(z.strictObject({ minQuantity: z.number().int(), unitPriceMinor: z.number().int(), currency: z.string() })),
  availability: z.enum(['in_stock', 'limited', 'out']),
});

export const PortalNoticeResponse = z.strictObject({
  id: z.uuid(),
  registrationId: z.uuid().nullable(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  createdAt: at,
  readAt: nullableAt,
});

export const PortalPartnerResponse = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  status: z.string(),
  tier: z.string(),
  tierName: z.string(),
  territory: z.array(z.string()),
  registrationCap: z.number().int(),
  activeRegistrations: z.number().int(),
});

export const portalPage = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

// ---- requests -----------------------------------------------------------------------------------------------
export const PortalPageQuery = z.strictObject({ ...PageQuerySchema });
export const PortalProductsQuery = z.strictObject({ ...PageQuerySchema, productLine: z.string().min(1).max(100).optional() });
export const PortalRegistrationsQuery = z.strictObject({ ...PageQuerySchema, status: registrationFields.status.optional() });
export const PortalNoticesQuery = z.strictObject({
  unreadOnly: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const MarkNoticesReadBody = z.strictObject({ ids: z.array(z.uuid()).min(1).max(500).optional() });

/** A partner submits for itself: the registration fields and nothing else (no partnerId — it is the caller's). */
export const PortalSubmitBody = z.strictObject(RegistrationFields);
/** Withdrawing needs no body; a reason may be given. */
export const PortalWithdrawBody = z.strictObject({ reason: Reason.optional() }).optional();

export const PortalUserResponse = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['partner_admin', 'partner_user']),
  partnerId: z.uuid(),
  status: z.enum(['active', 'deactivated']),
  version: z.number().int(),
  createdAt: at,
});
