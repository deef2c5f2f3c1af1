import { z } from 'zod';

const Instant = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'must be a date (YYYY-MM-DD) or an ISO date-time' });
export const ScorecardQuery = z.strictObject({ from: Instant.optional(), to: Instant.optional() });
export type ScorecardQueryInput = z.infer<typeof ScorecardQuery>;
export const PartnerIdParams = z.strictObject({ partnerId: z.uuid() });

const Rate = z.number().min(0).max(1).nullable();
export const ScorecardResponse = z.object({
  partnerId: z.uuid(),
  partnerName: z.string(),
  tier: z.string(),
  territory: z.array(z.string()),
  activeRegistrations: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  approvalRate: Rate,
  wonRegistered: z.number().int(),
  lostRegistered: z.number().int(),
  winRateRegistered: Rate,
  wonUnregistered: z.number().int(),
  lostUnregistered: z.number().int(),
  winRateUnregistered: Rate,
  averageDealSizeMinor: z.number().nullable(),
  territoryPeerMedianMinor: z.number().nullable(),
  territoryPeers: z.number().int(),
  medianRegistrationToCloseDays: z.number().nullable(),
  expired: z.number().int(),
  closed: z.number().int(),
  expiredShare: Rate,
  paper: z.object({
    flagged: z.boolean(),
    activeRegistrations: z.number().int(),
    minActive: z.number().int(),
    trailingWon: z.number().int(),
    trailingLost: z.number().int(),
    trailingWinRate: Rate,
    maxWinRate: z.number(),
    windowDays: z.number().int(),
  }),
});
const PaperPolicyResponse = z.object({ paperMinActive: z.number(), paperMaxWinRate: z.number(), paperWindowDays: z.number() });
export const ScorecardsResponse = z.object({ from: z.string(), to: z.string(), policy: PaperPolicyResponse, items: z.array(ScorecardResponse) });
export const ScorecardDetailResponse = z.object({
  from: z.string(),
  to: z.string(),
  policy: PaperPolicyResponse,
  scorecard: ScorecardResponse,
  series: z.array(ScorecardResponse.omit({ partnerId: true, partnerName: true, tier: true, territory: true }).extend({ month: z.string(), from: z.string(), to: z.string() })),
});
