import { z } from 'zod';

const Text = (max = 200) => z.string().trim().min(1).max(max);
const OptionalText = (max = 200) => z.string().trim().max(max).nullable().optional();

/** An identity to match: the customer's name plus whatever else is known. */
export const MatchPreviewSchema = z.strictObject({
  name: Text(300),
  domain: OptionalText(253),
  email: z.email().max(254).nullable().optional(),
  country: OptionalText(100),
  region: OptionalText(100),
  postalCode: OptionalText(20),
  phone: OptionalText(40),
});
export type MatchPreviewInput = z.infer<typeof MatchPreviewSchema>;

const SupportingField = z.enum(['country', 'region', 'postalCode', 'phone']);

export const MatchEvidenceResponse = z.object({
  subject: z.object({
    name: z.string(),
    normalizedName: z.string().nullable(),
    domain: z.string().nullable(),
    ignoredDomains: z.array(z.object({ value: z.string(), why: z.enum(['free_mail', 'invalid']) })),
    country: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  thresholds: z.object({ nameMatchThreshold: z.number(), nearMatchThreshold: z.number() }),
  candidates: z.array(
    z.object({
      accountId: z.uuid(),
      name: z.string(),
      normalizedName: z.string(),
      similarity: z.number(),
      domainMatch: z.boolean(),
      score: z.number(),
      agreed: z.array(SupportingField),
      verdict: z.enum(['domain', 'name', 'near', 'name_without_support', 'below_threshold']),
      hasChannelOwner: z.boolean(),
      hasActiveRegistration: z.boolean(),
      createdAt: z.string(),
    }),
  ),
  tieBreakers: z.array(z.string()),
  chosenId: z.uuid().nullable(),
  nearMatchId: z.uuid().nullable(),
  summary: z.string(),
});

export const MatchPreviewResponse = z.object({
  accountId: z.uuid().nullable(),
  method: z.enum(['domain', 'name', 'none']),
  score: z.number(),
  nearMatchId: z.uuid().nullable(),
  /** What `matchAccount` would do with `createIfNone`: create a new account (flagged for review when a near match exists). */
  wouldCreateAccount: z.boolean(),
  wouldNeedReview: z.boolean(),
  evidence: MatchEvidenceResponse,
});
