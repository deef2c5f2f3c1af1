import { z } from 'zod';
import { DECISION_CODES } from './core/decision-messages.js';

const Text = (max = 200) => z.string().trim().min(1).max(max);
const OptionalText = (max = 200) => z.string().trim().max(max).nullable().optional();
const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$/, 'must be a domain like example.com');
export const Reason = z.string().trim().min(1).max(1000);

/** What a partner (or the channel team on its behalf) writes on a registration. */
export const RegistrationFields = {
  reference: OptionalText(100),
  customerName: Text(200),
  customerDomain: Domain.nullable().optional(),
  customerCountry: OptionalText(100),
  customerRegion: OptionalText(100),
  customerPostalCode: OptionalText(20),
  customerPhone: OptionalText(40),
  productLine: Text(100),
  // positive and an integer here; the policy's maximum is checked by the use case
  amountMinor: z.number().int('must be integer minor units').positive('must be greater than 0').max(Number.MAX_SAFE_INTEGER),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
    .optional(),
  expectedCloseDate: z.iso.date('must be a date YYYY-MM-DD'),
  description: OptionalText(5000),
};

export const SubmitRegistrationSchema = z.strictObject({ ...RegistrationFields, partnerId: z.uuid().optional() });
export type SubmitRegistrationInput = z.infer<typeof SubmitRegistrationSchema>;

/** Changes a partner may make when answering a request for information; anything not listed is refused. */
export const ResubmitRegistrationSchema = z.strictObject({
  customerName: RegistrationFields.customerName.optional(),
  customerDomain: RegistrationFields.customerDomain,
  customerCountry: RegistrationFields.customerCountry,
  customerRegion: RegistrationFields.customerRegion,
  customerPostalCode: RegistrationFields.customerPostalCode,
  customerPhone: RegistrationFields.customerPhone,
  amountMinor: RegistrationFields.amountMinor.optional(),
  expectedCloseDate: RegistrationFields.expectedCloseDate.optional(),
  description: RegistrationFields.description,
});
export type ResubmitRegistrationInput = z.infer<typeof ResubmitRegistrationSchema>;

export const ApproveRegistrationSchema = z.strictObject({
  overrideFlags: z.boolean().optional(),
  reason: Reason.optional(),
  internalNote: z.string().trim().max(5000).optional(),
});
export type ApproveRegistrationInput = z.infer<typeof ApproveRegistrationSchema>;

export const RejectRegistrationSchema = z.strictObject({
  decisionCode: z.enum(DECISION_CODES),
  internalNote: z.string().trim().min(1).max(5000),
});
export type RejectRegistrationInput = z.infer<typeof RejectRegistrationSchema>;

export const ReturnRegistrationSchema = z.strictObject({ infoRequest: Text(2000) });
export type ReturnRegistrationInput = z.infer<typeof ReturnRegistrationSchema>;

export const RegistrationActivitySchema = z.strictObject({
  kind: z.enum(['call', 'email', 'meeting', 'note', 'task']),
  subject: Text(300),
  notes: z.string().max(10_000).nullable().optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export type RegistrationActivityInput = z.infer<typeof RegistrationActivitySchema>;

export const CloseRegistrationSchema = z.strictObject({ outcome: z.enum(['won', 'lost', 'withdrawn']), reason: Reason.optional() });
export type CloseRegistrationInput = z.infer<typeof CloseRegistrationSchema>;

export const DecideExpirySchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('extended'), reason: Reason }),
  z.strictObject({ decision: z.literal('reassigned'), partnerId: z.uuid(), reason: Reason }),
  z.strictObject({ decision: z.literal('opened_to_direct'), reason: Reason }),
]);
export type DecideExpiryInput = z.infer<typeof DecideExpirySchema>;

// ---- responses ----------------------------------------------------------------------------------------
const Flag = z.object({ code: z.string(), detail: z.string() });
export const RegistrationResponse = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  submittedBy: z.uuid().nullable(),
  reference: z.string().nullable(),
  accountId: z.uuid().nullable(),
  customerName: z.string(),
  customerDomain: z.string().nullable(),
  customerCountry: z.string().nullable(),
  customerRegion: z.string().nullable(),
  customerPostalCode: z.string().nullable(),
  customerPhone: z.string().nullable(),
  productLine: z.string(),
  amountMinor: z.number(),
  currency: z.string(),
  expectedCloseDate: z.string(),
  description: z.string().nullable(),
  internalNotes: z.string().nullable(),
  probability: z.number().nullable(),
  flags: z.array(Flag),
  status: z.string(),
  decisionCode: z.string().nullable(),
  decisionReason: z.string().nullable(),
  infoRequest: z.string().nullable(),
  approvedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  exclusivityCapAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  warnedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  expiryOutcome: z.string().nullable(),
  reassignedFromId: z.uuid().nullable(),
  ownerId: z.uuid().nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const Summary = z.object({
  id: z.uuid(),
  partnerId: z.uuid(),
  partnerName: z.string(),
  customerName: z.string(),
  productLine: z.string(),
  amountMinor: z.number(),
  status: z.string(),
  accountId: z.uuid().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});

export const RegistrationListItem = RegistrationResponse.extend({
  partnerName: z.string(),
  accountName: z.string().nullable(),
  dueAt: z.string().nullable(),
});

export const RegistrationDetailResponse = RegistrationListItem.extend({
  match: z
    .object({
      method: z.string(),
      score: z.number(),
      accountId: z.uuid().nullable(),
      nearMatchId: z.uuid().nullable(),
      createdAccount: z.boolean(),
      evidence: z.unknown(),
    })
    .nullable(),
  account: z
    .object({
      id: z.uuid(),
      name: z.string(),
      domain: z.string().nullable(),
      region: z.string().nullable(),
      country: z.string().nullable(),
      channelPartnerId: z.uuid().nullable(),
      directOnly: z.boolean(),
      needsReview: z.boolean(),
    })
    .nullable(),
  duplicates: z.array(Summary),
  nearMatches: z.array(
    z.object({
      account: z.object({
        id: z.uuid(),
        name: z.string(),
        domain: z.string().nullable(),
        region: z.string().nullable(),
        country: z.string().nullable(),
      }),
      registrations: z.array(Summary),
    }),
  ),
  conflictCases: z.array(z.object({ id: z.uuid(), kind: z.string(), status: z.string(), dueAt: z.string() })),
  expiryDecisions: z.array(z.lazy(() => ExpiryDecisionResponse)),
  timeline: z.array(
    z.object({
      at: z.string(),
      type: z.enum(['audit', 'activity']),
      event: z.string(),
      actorId: z.uuid().nullable(),
      actorLabel: z.string().nullable(),
      partnerId: z.uuid().nullable(),
      detail: z.string().nullable(),
    }),
  ),
});

export const ExpiryDecisionResponse = z.object({
  id: z.uuid(),
  registrationId: z.uuid(),
  status: z.string(),
  decision: z.string().nullable(),
  reassignedToPartner: z.uuid().nullable(),
  reason: z.string().nullable(),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.string().nullable(),
  dueAt: z.string(),
  ownerId: z.uuid().nullable(),
  version: z.number(),
  createdAt: z.string(),
  newRegistrationId: z.uuid().nullable().optional(),
});

export const ActivityResponse = z.object({
  id: z.uuid(),
  registrationId: z.uuid(),
  kind: z.string(),
  subject: z.string(),
  notes: z.string().nullable(),
  actorId: z.uuid().nullable(),
  partnerId: z.uuid().nullable(),
  occurredAt: z.string(),
  registration: RegistrationResponse,
});
