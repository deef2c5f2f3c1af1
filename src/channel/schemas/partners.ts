import { z } from 'zod';
import { PageQuerySchema } from '../../platform/pagination.js';

const Text = (max = 200) => z.string().trim().min(1).max(max);
const Reason = z.string().trim().min(1).max(1000);
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain like example.com');
const Region = z.string().trim().min(1).max(60);
const unique = <T extends z.ZodType<string>>(item: T, max: number, what: string) =>
  z
    .array(item)
    .max(max)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        const key = v.toLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what}` });
        seen.add(key);
      });
    });

export const PartnerStatusSchema = z.enum(['active', 'suspended', 'terminated']);
export const PartnerTierCode = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a tier code like gold').max(40);

const PartnerFields = {
  tier: PartnerTierCode,
  /** Regions the partner sells in (the account `region` values), e.g. EMEA, NA-West. */
  territory: unique(Region, 50, 'region'),
  /** The partner's own email/web domains. */
  domains: unique(Domain, 50, 'domain'),
  /** Must be an active channel_manager or admin. */
  channelManagerId: z.uuid().nullable(),
  /** Overrides the tier's cap on active registrations; null = the tier's cap. */
  registrationCap: z.number().int('must be a whole number').min(0).max(100_000).nullable(),
  status: PartnerStatusSchema,
};

export const CreatePartnerSchema = z.strictObject({
  name: Text(),
  tier: PartnerFields.tier.optional(),
  territory: PartnerFields.territory.optional(),
  domains: PartnerFields.domains.optional(),
  channelManagerId: PartnerFields.channelManagerId.optional(),
  registrationCap: PartnerFields.registrationCap.optional(),
  status: PartnerFields.status.optional(),
});
export type CreatePartnerInput = z.infer<typeof CreatePartnerSchema>;

export const UpdatePartnerSchema = z.strictObject({
  name: Text().optional(),
  tier: PartnerFields.tier.optional(),
  territory: PartnerFields.territory.optional(),
  domains: PartnerFields.domains.optional(),
  channelManagerId: PartnerFields.channelManagerId.optional(),
  registrationCap: PartnerFields.registrationCap.optional(),
  status: PartnerFields.status.optional(),
  reason: Reason.optional(),
});
export type UpdatePartnerInput = z.infer<typeof UpdatePartnerSchema>;

export const PartnerListQuery = z.strictObject({
  ...PageQuerySchema,
  status: PartnerStatusSchema.optional(),
  tier: PartnerTierCode.optional(),
  q: z.string().max(200).optional(),
});
export type PartnerFilter = z.infer<typeof PartnerListQuery>;

export const PartnerUserRole = z.enum(['partner_admin', 'partner_user']);
const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
const Password = z.string().min(12, 'must be at least 12 characters').max(1024);

/** Internal: a channel manager or admin creates a user of a given partner. */
export const CreatePartnerUserSchema = z.strictObject({ email: Email, name: Text(), role: PartnerUserRole, password: Password.optional() });
export type CreatePartnerUserInput = z.infer<typeof CreatePartnerUserSchema>;
export const DeactivatePartnerUserSchema = z.strictObject({ reason: Reason });
export const PartnerUserListQuery = z.strictObject({ ...PageQuerySchema, status: z.enum(['active', 'deactivated']).optional() });

// ---- channel policy: bounds are the database CHECKs, so a bad value is a 400 naming the field ----------
const Hours = z.number().positive('must be greater than 0').max(10_000);
const Fraction = z.number().gt(0, 'must be greater than 0').max(1, 'must be at most 1');
export const UpdateChannelPolicySchema = z.strictObject({
  inactivityDays: z.number().int().min(90, 'must be between 90 and 180').max(180, 'must be between 90 and 180').optional(),
  hardCapDays: z.number().int().min(90).max(3650).optional(),
  warnDaysBefore: z.number().int().min(1).max(60).optional(),
  reviewSlaHours: Hours.optional(),
  conflictSlaHours: Hours.optional(),
  decisionSlaHours: Hours.optional(),
  nameMatchThreshold: Fraction.optional(),
  nearMatchThreshold: Fraction.optional(),
  paperMinActive: z.number().int().min(1).max(100_000).optional(),
  paperMaxWinRate: z.number().min(0).max(1).optional(),
  paperWindowDays: z.number().int().min(30).max(3650).optional(),
  maxAmountMinor: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  reason: Reason,
});
export type UpdateChannelPolicyInput = z.infer<typeof UpdateChannelPolicySchema>;

export const CreateProductLineSchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1–40 lower-case letters, digits, - or _'),
  name: Text(),
  description: z.string().trim().max(2000).nullable().optional(),
});
export type CreateProductLineInput = z.infer<typeof CreateProductLineSchema>;

export const SetAccountChannelSchema = z.strictObject({
  channelPartnerId: z.uuid().nullable(),
  directOnly: z.boolean(),
  reason: Reason,
});
export type SetAccountChannelInput = z.infer<typeof SetAccountChannelSchema>;

// ---- responses --------------------------------------------------------------------------------------
const Person = z.object({ id: z.uuid(), name: z.string() });
export const PartnerResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  status: PartnerStatusSchema,
  tier: z.string(),
  tierName: z.string(),
  territory: z.array(z.string()),
  domains: z.array(z.string()),
  registrationCap: z.number().int().nullable(),
  effectiveRegistrationCap: z.number().int(),
  activeRegistrations: z.number().int(),
  channelManagerId: z.uuid().nullable(),
  channelManager: Person.nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const PartnerUserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: PartnerUserRole,
  partnerId: z.uuid(),
  status: z.enum(['active', 'deactivated']),
  version: z.number().int(),
  createdAt: z.string(),
});
export const PartnerDetailResponse = PartnerResponse.extend({ users: z.array(PartnerUserResponse) });
export const PartnerTierResponse = z.object({ code: z.string(), name: z.string(), rank: z.number().int(), registrationCap: z.number().int(), priceTier: z.string() });
export const ChannelPolicyResponse = z.object({
  inactivityDays: z.number(),
  hardCapDays: z.number(),
  warnDaysBefore: z.number(),
  reviewSlaHours: z.number(),
  conflictSlaHours: z.number(),
  decisionSlaHours: z.number(),
  nameMatchThreshold: z.number(),
  nearMatchThreshold: z.number(),
  paperMinActive: z.number(),
  paperMaxWinRate: z.number(),
  paperWindowDays: z.number(),
  maxAmountMinor: z.number(),
  version: z.number().int(),
});
export const ProductLineResponse = z.object({ code: z.string(), name: z.string(), description: z.string().nullable(), createdAt: z.string() });
