/**
 * Partner scorecards: pure arithmetic over per-partner counts for one period [from, to). The store gathers
 * the counts; every rate and median is decided here.
 */

export type ScorecardInputs = {
  partnerId: string;
  partnerName: string;
  tier: string;
  territory: string[];
  /** Registrations whose approval was live at `to`. */
  activeAtEnd: number;
  /** Decisions taken in the period. */
  approved: number;
  rejected: number;
  /** Registrations closed in the period, by outcome (expired counts as a close). */
  won: number;
  lost: number;
  expired: number;
  withdrawn: number;
  /** Amounts (minor units) of the registrations won in the period. */
  wonAmountsMinor: number[];
  /** Days from submission to close for the registrations won or lost in the period. */
  closeDays: number[];
  /** The partner's opportunities without a registration, closed won/lost in the period. */
  unregisteredWon: number;
  unregisteredLost: number;
  /** Registrations won/lost over the trailing paper window ending at `to`. */
  trailingWon: number;
  trailingLost: number;
};

export type PaperPolicy = { paperMinActive: number; paperMaxWinRate: number; paperWindowDays: number };

export type Scorecard = {
  partnerId: string;
  partnerName: string;
  tier: string;
  territory: string[];
  activeRegistrations: number;
  approved: number;
  rejected: number;
  approvalRate: number | null;
  wonRegistered: number;
  lostRegistered: number;
  winRateRegistered: number | null;
  wonUnregistered: number;
  lostUnregistered: number;
  winRateUnregistered: number | null;
  averageDealSizeMinor: number | null;
  territoryPeerMedianMinor: number | null;
  territoryPeers: number;
  medianRegistrationToCloseDays: number | null;
  expired: number;
  closed: number;
  expiredShare: number | null;
  paper: {
    flagged: boolean;
    activeRegistrations: number;
    minActive: number;
    trailingWon: number;
    trailingLost: number;
    trailingWinRate: number | null;
    maxWinRate: number;
    windowDays: number;
  };
};

/** part ÷ whole, or null when nothing was decided (a rate of nothing is not 0). */
export function ratio(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return Math.min(1, Math.max(0, part / whole));
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function average(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const roundMinor = (v: number | null) => (v === null ? null : Math.round(v));

/** Partners sharing at least one territory region (case-insensitive), never the partner itself. */
export function territoryPeers<T extends { partnerId: string; territory: string[] }>(partner: T, all: readonly T[]): T[] {
  const regions = new Set(partner.territory.map((r) => r.toLowerCase()));
  if (regions.size === 0) return [];
  return all.filter((p) => p.partnerId !== partner.partnerId && p.territory.some((r) => regions.has(r.toLowerCase())));
}

/**
 * Paper partner: many live registrations, few wins over the trailing window. No closed registrations in the
 * window counts as a win rate of 0 for the flag — registrations that never close are the pattern.
 */
export function paperFlag(inputs: Pick<ScorecardInputs, 'activeAtEnd' | 'trailingWon' | 'trailingLost'>, policy: PaperPolicy): Scorecard['paper'] {
  const trailingWinRate = ratio(inputs.trailingWon, inputs.trailingWon + inputs.trailingLost);
  return {
    flagged: inputs.activeAtEnd >= policy.paperMinActive && (trailingWinRate ?? 0) < policy.paperMaxWinRate,
    activeRegistrations: inputs.activeAtEnd,
    minActive: policy.paperMinActive,
    trailingWon: inputs.trailingWon,
    trailingLost: inputs.trailingLost,
    trailingWinRate,
    maxWinRate: policy.paperMaxWinRate,
    windowDays: policy.paperWindowDays,
  };
}

/** Scorecards for every partner of one period; peer medians compare each partner with the others only. */
export function buildScorecards(inputs: readonly ScorecardInputs[], policy: PaperPolicy): Scorecard[] {
  const averages = new Map(inputs.map((p) => [p.partnerId, roundMinor(average(p.wonAmountsMinor))]));
  return inputs.map((p) => {
    const peerAverages = territoryPeers(p, inputs)
      .map((peer) => averages.get(peer.partnerId) ?? null)
      .filter((v): v is number => v !== null);
    const closed = p.won + p.lost + p.expired + p.withdrawn;
    return {
      partnerId: p.partnerId,
      partnerName: p.partnerName,
      tier: p.tier,
      territory: p.territory,
      activeRegistrations: p.activeAtEnd,
      approved: p.approved,
      rejected: p.rejected,
      approvalRate: ratio(p.approved, p.approved + p.rejected),
      wonRegistered: p.won,
      lostRegistered: p.lost,
      winRateRegistered: ratio(p.won, p.won + p.lost),
      wonUnregistered: p.unregisteredWon,
      lostUnregistered: p.unregisteredLost,
      winRateUnregistered: ratio(p.unregisteredWon, p.unregisteredWon + p.unregisteredLost),
      averageDealSizeMinor: averages.get(p.partnerId) ?? null,
      territoryPeerMedianMinor: roundMinor(median(peerAverages)),
      territoryPeers: peerAverages.length,
      medianRegistrationToCloseDays: round2(median(p.closeDays)),
      expired: p.expired,
      closed,
      expiredShare: ratio(p.expired, closed),
      paper: paperFlag(p, policy),
    };
  });
}

export const emptyInputs = (p: { partnerId: string; partnerName: string; tier: string; territory: string[] }): ScorecardInputs => ({
  ...p,
  activeAtEnd: 0,
  approved: 0,
  rejected: 0,
  won: 0,
  lost: 0,
  expired: 0,
  withdrawn: 0,
  wonAmountsMinor: [],
  closeDays: [],
  unregisteredWon: 0,
  unregisteredLost: 0,
  trailingWon: 0,
  trailingLost: 0,
});

export type Period = { from: Date; to: Date };

/** The `count` calendar months (UTC) up to and including the one that contains the instant before `to`. */
export function monthlyPeriods(to: Date, count = 12): Array<Period & { month: string }> {
  const last = new Date(to.getTime() - 1);
  const periods: Array<Period & { month: string }> = [];
  for (let i = count - 1; i >= 0; i--) {
    const from = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    periods.push({ month: from.toISOString().slice(0, 7), from, to: end });
  }
  return periods;
}

export const SCORECARD_CSV_COLUMNS = [
  'partner_id',
  'partner',
  'tier',
  'territory',
  'active_registrations',
  'approved',
  'rejected',
  'approval_rate',
  'won_registered',
  'lost_registered',
  'win_rate_registered',
  'won_unregistered',
  'lost_unregistered',
  'win_rate_unregistered',
  'average_deal_size_minor',
  'territory_peer_median_minor',
  'median_registration_to_close_days',
  'expired',
  'closed',
  'expired_share',
  'paper_partner',
  'trailing_win_rate',
] as const;

export function scorecardCsvRow(s: Scorecard): Array<string | number | null> {
  return [
    s.partnerId,
    s.partnerName,
    s.tier,
    s.territory.join('; '),
    s.activeRegistrations,
    s.approved,
    s.rejected,
    s.approvalRate,
    s.wonRegistered,
    s.lostRegistered,
    s.winRateRegistered,
    s.wonUnregistered,
    s.lostUnregistered,
    s.winRateUnregistered,
    s.averageDealSizeMinor,
    s.territoryPeerMedianMinor,
    s.medianRegistrationToCloseDays,
    s.expired,
    s.closed,
    s.expiredShare,
    s.paper.flagged ? 'yes' : 'no',
    s.paper.trailingWinRate,
  ];
}
