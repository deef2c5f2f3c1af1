/**
 * Choosing a pool member: eligibility in the documented order, then the pool's strategy, with the fairness
 * state passed in and returned (never mutated), so the same inputs always give the same member and the stored
 * candidates + state reproduce a decision.
 *
 * Decisions behind the behaviour:
 * - A *turn* is a decision that chose someone. Decisions where nobody is eligible change nothing.
 * - `round_robin`: the next eligible member after the pointer (the position of the last rotation pick), wrapping.
 * - `weighted`: smooth weighted round robin. Eligible members gain their weight in credit each turn, the highest
 *   credit wins (ties by position) and pays back the eligible weights' sum. Over any run of always-eligible
 *   members each gets exactly `weight` picks per `Σ weight` turns. Members who cannot take work do not accrue.
 * - `least_loaded`: lowest `openCount / (wipCap ?? weight × 10)`, ties by position; compared exactly.
 * - Absence for the return policy means `out_of_office` (a vacation). Being `outside_hours` is routine for a
 *   pool across time zones and does not earn catch-up; neither do caps, skills or deactivation.
 * - `keep_position`: a returning member resumes where the rotation is (round robin) with the credit frozen when
 *   they left (weighted): they neither gain nor lose. `missedTurns` stays 0.
 * - `catch_up`: each turn, every absent active member is owed their share of it (1 / members who could take
 *   work or are absent; by weight in weighted pools), capped at MAX_CATCH_UP_TURNS so a long holiday does not
 *   end in a flood. An eligible member owed at least one whole turn is served first (most owed, then position),
 *   and the turn is paid back. Catch-up picks sit outside the rotation: the pointer and credits do not move, so
 *   the rotation does not later claw the extra picks back.
 */

export const SKIP_REASONS = [
  'inactive',
  'out_of_office',
  'outside_hours',
  'wip_cap',
  'rate_cap_day',
  'rate_cap_week',
  'criteria_cap',
  'skills',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export const MAX_CATCH_UP_TURNS = 5;
/** Default capacity per unit of weight when a member has no WIP cap (least_loaded). */
export const CAPACITY_PER_WEIGHT = 10;

export type PoolStrategy = 'round_robin' | 'weighted' | 'least_loaded';
export type ReturnPolicy = 'keep_position' | 'catch_up';
export type PoolConfig = { strategy: PoolStrategy; returnPolicy: ReturnPolicy; useSkills: boolean };

export type MemberAvailability = 'available' | 'out_of_office' | 'outside_hours';

/** `applies`: whether the record being routed counts toward this cap (e.g. it is a strategic account). */
export type CriteriaCap = { name: string; max: number; current: number; applies: boolean };

export type PoolMember = {
  userId: string;
  /** Pool order; unique within a pool. */
  position: number;
  /** Integer ≥ 1. */
  weight: number;
  active: boolean;
  availability: MemberAvailability;
  wipCap: number | null;
  openCount: number;
  rateCap: { perDay: number | null; perWeek: number | null };
  assignedToday: number;
  assignedThisWeek: number;
  criteriaCaps: CriteriaCap[];
  skills: { regions: string[]; productLines: string[] };
};

export type MemberFairness = { credit: number; missedTurns: number; assignedTotal: number };
export type FairnessState = { pointer: number; members: Record<string, MemberFairness> };

/**
 * The facts about the record that pool selection needs. `criteria`, when given, names the criteria caps this
 * record counts toward and overrides each cap's `applies` (a batch mixes records that count and ones that don't).
 */
export type PoolRequest = { region?: string | null; productLine?: string | null; criteria?: string[] | null };

export type Candidate = { userId: string; position: number; eligible: boolean; skipped?: SkipReason; detail?: string };

export type PickedBy = 'rotation' | 'catch_up';

export type Selection = {
  chosen: string | null;
  /** `catch_up` when a returning member was served ahead of the rotation; null when nobody was eligible. */
  pickedBy: PickedBy | null;
  candidates: Candidate[];
  nextState: FairnessState;
};

export type BulkSelection = {
  /** One per request, identical to calling `selectMember` then `applyAssignment` request by request. */
  selections: Selection[];
  /** The members with this batch's assignments counted in. */
  members: PoolMember[];
  state: FairnessState;
};

export class PoolSelectionError extends Error {
  constructor(
    readonly code: 'invalid_pool',
    message: string,
  ) {
    super(message);
    this.name = 'PoolSelectionError';
  }
}

export type Eligibility = { eligible: true } | { eligible: false; skipped: SkipReason; detail?: string };

const OWED_TOLERANCE = 1e-9;
const NO_FAIRNESS: MemberFairness = { credit: 0, missedTurns: 0, assignedTotal: 0 };

export function initialFairnessState(): FairnessState {
  return { pointer: -1, members: {} };
}

function capApplies(cap: CriteriaCap, request: PoolRequest): boolean {
  return request.criteria ? request.criteria.includes(cap.name) : cap.applies;
}

const normalise = (value: string) => value.trim().toLowerCase();

/** A member who lists skills of a kind must list the record's value; a record without a value is unconstrained. */
function lacksSkill(listed: string[], wanted: string | null | undefined): boolean {
  if (!wanted || wanted.trim() === '' || listed.length === 0) return false;
  const target = normalise(wanted);
  return !listed.some((skill) => normalise(skill) === target);
}

/** The first failed check, in the documented order. */
export function checkEligibility(config: PoolConfig, member: PoolMember, request: PoolRequest): Eligibility {
  if (!member.active) return { eligible: false, skipped: 'inactive' };
  if (member.availability === 'out_of_office') return { eligible: false, skipped: 'out_of_office' };
  if (member.availability === 'outside_hours') return { eligible: false, skipped: 'outside_hours' };
  if (member.wipCap !== null && member.openCount >= member.wipCap) {
    return { eligible: false, skipped: 'wip_cap', detail: `${member.openCount} open of ${member.wipCap}` };
  }
  const { perDay, perWeek } = member.rateCap;
  if (perDay !== null && member.assignedToday >= perDay) {
    return { eligible: false, skipped: 'rate_cap_day', detail: `${member.assignedToday} today of ${perDay}` };
  }
  if (perWeek !== null && member.assignedThisWeek >= perWeek) {
    return { eligible: false, skipped: 'rate_cap_week', detail: `${member.assignedThisWeek} this week of ${perWeek}` };
  }
  const fullCap = member.criteriaCaps.find((cap) => capApplies(cap, request) && cap.current >= cap.max);
  if (fullCap) return { eligible: false, skipped: 'criteria_cap', detail: fullCap.name };
  if (config.useSkills) {
    if (lacksSkill(member.skills.regions, request.region))
      return { eligible: false, skipped: 'skills', detail: `region ${request.region}` };
    if (lacksSkill(member.skills.productLines, request.productLine)) {
      return { eligible: false, skipped: 'skills', detail: `product line ${request.productLine}` };
    }
  }
  return { eligible: true };
}

function inPoolOrder(members: PoolMember[]): PoolMember[] {
  const userIds = new Set<string>();
  const positions = new Set<number>();
  for (const member of members) {
    if (userIds.has(member.userId)) throw new PoolSelectionError('invalid_pool', `member ${member.userId} is listed twice`);
    if (positions.has(member.position)) throw new PoolSelectionError('invalid_pool', `two members share position ${member.position}`);
    if (!Number.isInteger(member.weight) || member.weight < 1) {
      throw new PoolSelectionError('invalid_pool', `member ${member.userId} has weight ${member.weight}; weights are integers ≥ 1`);
    }
    userIds.add(member.userId);
    positions.add(member.position);
  }
  return [...members].sort((a, b) => a.position - b.position);
}

const capacityOf = (member: PoolMember) => member.wipCap ?? member.weight * CAPACITY_PER_WEIGHT;

/** a's load is lower than b's: openA/capA < openB/capB, cross-multiplied so equal loads compare equal. */
const lessLoaded = (a: PoolMember, b: PoolMember) => a.openCount * capacityOf(b) < b.openCount * capacityOf(a);

const isAbsent = (member: PoolMember) => member.active && member.availability === 'out_of_office';

/** Shares like 1/3 add up to 0.9999…; snapping to whole turns keeps the visible state clean and exact. */
const roundOwed = (turns: number) => (Math.abs(turns - Math.round(turns)) < OWED_TOLERANCE ? Math.round(turns) : turns);

/** Picks one member of `members` for a record; see the module comment for the rules. Never mutates inputs. */
export function selectMember(config: PoolConfig, members: PoolMember[], state: FairnessState, request: PoolRequest): Selection {
  const ordered = inPoolOrder(members);
  const fairness = new Map(ordered.map((member) => [member.userId, { ...(state.members[member.userId] ?? NO_FAIRNESS) }]));
  const fairnessOf = (member: PoolMember) => fairness.get(member.userId)!;
  const catchUp = config.returnPolicy === 'catch_up';
  if (!catchUp) for (const entry of fairness.values()) entry.missedTurns = 0;

  const verdicts = ordered.map((member) => ({ member, verdict: checkEligibility(config, member, request) }));
  const eligible = verdicts.filter(({ verdict }) => verdict.eligible).map(({ member }) => member);

  let pointer = state.pointer;
  let chosen: PoolMember | null = null;
  let pickedBy: PickedBy | null = null;
  const owed = catchUp ? eligible.filter((member) => fairnessOf(member).missedTurns >= 1 - OWED_TOLERANCE) : [];
  // What the decision was based on: credits after this turn's accrual, turns owed before this turn's payback.
  const details = new Map<string, string>();
  const explain = () => {
    for (const member of eligible) {
      const detail = eligibleDetail(config, member, fairnessOf(member));
      if (detail !== undefined) details.set(member.userId, detail);
    }
  };

  if (owed.length > 0) {
    explain();
    chosen = owed.reduce((best, member) => (fairnessOf(member).missedTurns > fairnessOf(best).missedTurns ? member : best));
    pickedBy = 'catch_up';
    const entry = fairnessOf(chosen);
    entry.missedTurns = roundOwed(Math.max(0, entry.missedTurns - 1));
  } else if (eligible.length > 0) {
    if (config.strategy === 'weighted') for (const member of eligible) fairnessOf(member).credit += member.weight;
    explain();
    chosen = pickByStrategy(config.strategy, eligible, pointer, fairnessOf);
    if (config.strategy === 'weighted') fairnessOf(chosen).credit -= eligible.reduce((sum, member) => sum + member.weight, 0);
    pickedBy = 'rotation';
    pointer = chosen.position;
  } else {
    explain();
  }

  if (chosen) {
    fairnessOf(chosen).assignedTotal += 1;
    if (catchUp) accrueMissedTurns(config, ordered, eligible, fairnessOf);
  }

  const candidates = verdicts.map(({ member, verdict }): Candidate => {
    const base = { userId: member.userId, position: member.position };
    if (!verdict.eligible)
      return { ...base, eligible: false, skipped: verdict.skipped, ...(verdict.detail === undefined ? {} : { detail: verdict.detail }) };
    const detail = details.get(member.userId);
    return { ...base, eligible: true, ...(detail === undefined ? {} : { detail }) };
  });

  const nextMembers: Record<string, MemberFairness> = {};
  for (const member of ordered) nextMembers[member.userId] = fairnessOf(member);
  return { chosen: chosen?.userId ?? null, pickedBy, candidates, nextState: { pointer, members: nextMembers } };
}

function pickByStrategy(
  strategy: PoolStrategy,
  eligible: PoolMember[],
  pointer: number,
  fairnessOf: (member: PoolMember) => MemberFairness,
): PoolMember {
  switch (strategy) {
    case 'round_robin':
      return eligible.find((member) => member.position > pointer) ?? eligible[0]!;
    case 'weighted':
      // Credits were accrued by the caller; the highest wins, the earliest position on ties.
      return eligible.reduce((best, member) => (fairnessOf(member).credit > fairnessOf(best).credit ? member : best));
    case 'least_loaded':
      return eligible.reduce((best, member) => (lessLoaded(member, best) ? member : best));
  }
}

function accrueMissedTurns(
  config: PoolConfig,
  ordered: PoolMember[],
  eligible: PoolMember[],
  fairnessOf: (member: PoolMember) => MemberFairness,
): void {
  const absent = ordered.filter(isAbsent);
  if (absent.length === 0) return;
  const shareWeight = (member: PoolMember) => (config.strategy === 'weighted' ? member.weight : 1);
  const total = [...eligible, ...absent].reduce((sum, member) => sum + shareWeight(member), 0);
  for (const member of absent) {
    const entry = fairnessOf(member);
    entry.missedTurns = roundOwed(Math.min(MAX_CATCH_UP_TURNS, entry.missedTurns + shareWeight(member) / total));
  }
}

function eligibleDetail(config: PoolConfig, member: PoolMember, fairness: MemberFairness): string | undefined {
  const parts: string[] = [];
  if (config.strategy === 'weighted') parts.push(`credit ${fairness.credit}`);
  if (config.strategy === 'least_loaded') parts.push(`load ${member.openCount}/${capacityOf(member)}`);
  if (config.returnPolicy === 'catch_up' && fairness.missedTurns >= 0.01)
    parts.push(`owed ${Number(fairness.missedTurns.toFixed(2))} turns`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** The member after one more assignment of this record: open work, rate counters and the caps it counts toward. */
export function applyAssignment(member: PoolMember, request: PoolRequest): PoolMember {
  return {
    ...member,
    openCount: member.openCount + 1,
    assignedToday: member.assignedToday + 1,
    assignedThisWeek: member.assignedThisWeek + 1,
    criteriaCaps: member.criteriaCaps.map((cap) => (capApplies(cap, request) ? { ...cap, current: cap.current + 1 } : cap)),
  };
}

/** Picks for a batch under one pool lock, counting each pick in before the next. */
export function bulkSelect(config: PoolConfig, members: PoolMember[], state: FairnessState, requests: PoolRequest[]): BulkSelection {
  let current = members;
  let currentState = state;
  const selections: Selection[] = [];
  for (const request of requests) {
    const selection = selectMember(config, current, currentState, request);
    selections.push(selection);
    currentState = selection.nextState;
    if (selection.chosen !== null) {
      const chosen = selection.chosen;
      current = current.map((member) => (member.userId === chosen ? applyAssignment(member, request) : member));
    }
  }
  return { selections, members: current, state: currentState };
}
