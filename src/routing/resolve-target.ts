import type { Trx } from '../platform/db/database.js';
import { isWorkingAt } from './core/business-time.js';
import { type Condition, compileCondition } from './core/conditions.js';
import type { Facts } from './core/facts.js';
import { type FairnessState, type PoolMember, selectMember } from './core/pool-selection.js';
import type { Target } from './core/ruleset.js';
import {
  type Person,
  type PoolMemberLoad,
  type PoolUpdate,
  findPerson,
  findQueue,
  lockMemberAndCountOpen,
  lockPool,
  partnerChannelManager,
  poolMembersWithLoad,
  teamManagerOf,
} from './store.js';

export type Candidate = { userId: string; position: number; eligible: boolean; skipped?: string; detail?: string };

export type Placement = {
  ownerId: string;
  owner: Person;
  source: 'rule' | 'pool';
  reasonCode: string;
  poolId: string | null;
  queueId: string | null;
  fairness: Record<string, unknown> | null;
  /** A pool's next fairness state, written together with the assignment it led to. */
  poolUpdate?: PoolUpdate;
};

/** Where a target led: an owner, or the reason nobody could be found — plus every hop and candidate on the way. */
export type Resolution = {
  placement: Placement | null;
  fellBack: boolean;
  unassigned: { code: string; reason: string } | null;
  candidates: Candidate[];
  path: string[];
};

export type CriteriaCapDefinition = { name: string; when: Condition; max: number };
const compiledCaps = new Map<string, (facts: Facts, now: number) => boolean>();
export const capMatcher = (cap: CriteriaCapDefinition) => {
  const key = JSON.stringify(cap.when);
  let fn = compiledCaps.get(key);
  if (!fn) compiledCaps.set(key, (fn = compileCondition(cap.when)));
  return fn;
};

export async function resolveTarget(
  trx: Trx,
  target: Target | { type: 'pool' | 'user' | 'queue'; id: string },
  facts: Facts,
  now: Date,
  seen = new Set<string>(),
): Promise<Resolution> {
  const hop = target.type === 'relative' ? `relative:${target.relation}` : `${target.type}:${target.id}`;
  const path = [...seen, hop];
  const nobody = (code: string, reason: string, candidates: Candidate[] = []): Resolution => ({
    placement: null,
    fellBack: seen.size > 0,
    unassigned: { code, reason },
    candidates,
    path,
  });
  if (seen.has(hop)) return nobody('fallback_cycle', `fallback chain loops back to ${hop}`);
  seen.add(hop);

  switch (target.type) {
    case 'user':
      return person(trx, target.id, 'rule', null, path, seen.size > 1);
    case 'queue': {
      const queue = await findQueue(trx, target.id);
      if (!queue) return nobody('target_missing', 'the queue no longer exists');
      const placed = await person(trx, queue.owner_id, 'rule', queue.id, path, seen.size > 1);
      return placed.placement ? { ...placed, placement: { ...placed.placement, reasonCode: 'queue' } } : placed;
    }
    case 'relative': {
      const userId = await relativeUser(trx, target.relation, facts);
      if (!userId) return nobody('target_unresolved', `${target.relation} is not set for this record`);
      return person(trx, userId, 'rule', null, path, seen.size > 1);
    }
    case 'pool':
      return fromPool(trx, target.id, facts, now, seen, path);
  }
}

async function person(
  trx: Trx,
  userId: string,
  source: 'rule',
  queueId: string | null,
  path: string[],
  fellBack: boolean,
): Promise<Resolution> {
  const user = await findPerson(trx, userId);
  if (!user || user.status !== 'active' || user.partnerId !== null) {
    return {
      placement: null,
      fellBack,
      unassigned: { code: 'target_inactive', reason: 'the target user is not an active internal user' },
      candidates: [],
      path,
    };
  }
  return {
    placement: { ownerId: userId, owner: user, source, reasonCode: fellBack ? 'fallback' : 'rule', poolId: null, queueId, fairness: null },
    fellBack,
    unassigned: null,
    candidates: [],
    path,
  };
}

async function relativeUser(trx: Trx, relation: Extract<Target, { type: 'relative' }>['relation'], facts: Facts): Promise<string | null> {
  const account = facts.account as { ownerId?: string | null; channelPartnerId?: string | null } | undefined;
  switch (relation) {
    case 'account.owner':
      return account?.ownerId ?? null;
    case 'account.channelManager':
      return account?.channelPartnerId ? partnerChannelManager(trx, account.channelPartnerId) : null;
    case 'owner.manager':
      return typeof facts.ownerId === 'string' ? teamManagerOf(trx, facts.ownerId) : null;
    case 'team.lead':
      // The lead of the team that owns the account: the person who knows who should take it.
      return account?.ownerId ? teamManagerOf(trx, account.ownerId) : null;
  }
}

/**
 * One decision against a pool: the pool row is locked for the rest of the transaction, so two concurrent
 * decisions never read the same pointer or the same counts.
 */
/**
 * Members as pool selection sees them at `now`: availability (absence, then the pool's working-hours rule),
 * caps and their current counts. `capApplies` says which criteria caps the record falls under (batch routing
 * decides that per record, so it passes none here).
 */
export function poolMembersOf(
  pool: { respect_hours: boolean },
  loads: PoolMemberLoad[],
  caps: CriteriaCapDefinition[],
  now: Date,
  capApplies: (cap: CriteriaCapDefinition) => boolean,
): PoolMember[] {
  return loads.map((m) => ({
    userId: m.userId,
    position: m.position,
    weight: m.weight,
    active: m.status === 'active',
    availability: m.away ? 'out_of_office' : pool.respect_hours && m.calendar && !isWorkingAt(m.calendar, now) ? 'outside_hours' : 'available',
    wipCap: m.wipCap,
    openCount: m.openCount,
    rateCap: { perDay: m.ratePerDay, perWeek: m.ratePerWeek },
    assignedToday: m.assignedToday,
    assignedThisWeek: m.assignedThisWeek,
    criteriaCaps: caps.map((cap) => ({ name: cap.name, max: cap.max, current: m.openByCap[cap.name] ?? 0, applies: capApplies(cap) })),
    skills: { regions: m.regions, productLines: m.productLines },
  }));
}

async function fromPool(trx: Trx, poolId: string, facts: Facts, now: Date, seen: Set<string>, path: string[]): Promise<Resolution> {
  const pool = await lockPool(trx, poolId);
  if (!pool)
    return {
      placement: null,
      fellBack: seen.size > 1,
      unassigned: { code: 'target_missing', reason: 'the pool no longer exists' },
      candidates: [],
      path,
    };
  const caps = pool.criteria_caps as CriteriaCapDefinition[];
  const loads = await poolMembersWithLoad(
    trx,
    pool.id,
    now,
    caps.map((c) => c.name),
    'decision',
  );
  const nowMs = now.getTime();
  const members = poolMembersOf(pool, loads, caps, now, (cap) => capMatcher(cap)(facts, nowMs));
  const request = {
    region: (facts.region as string | null | undefined) ?? null,
    productLine: (facts.productLine as string | null | undefined) ?? null,
  };
  const state = pool.fairness as unknown as FairnessState;
  const config = { strategy: pool.strategy, returnPolicy: pool.return_policy, useSkills: pool.use_skills };
  let result = selectMember(config, members, state, request);
  // The pool lock covers this pool's counts; a capped member who is also in other pools can gain open work
  // through them meanwhile. So such a pick is confirmed under the member's own lock, and re-made if it filled up.
  for (;;) {
    const pick = result.chosen ? loads.find((m) => m.userId === result.chosen)! : null;
    if (!pick || pick.wipCap === null || !pick.inOtherPools) break;
    const open = await lockMemberAndCountOpen(trx, pick.userId);
    const index = members.findIndex((m) => m.userId === pick.userId);
    members[index] = { ...members[index]!, openCount: open };
    if (open < pick.wipCap) break;
    result = selectMember(config, members, state, request);
  }
  const poolUpdate: PoolUpdate = { id: pool.id, fairness: JSON.stringify(result.nextState), decisions: String(Number(pool.decisions) + 1) };
  const candidates = result.candidates as Candidate[];
  if (result.chosen) {
    const chosen = members.find((m) => m.userId === result.chosen)!;
    const load = loads.find((m) => m.userId === result.chosen)!;
    return {
      placement: {
        ownerId: result.chosen,
        owner: {
          id: load.userId,
          name: load.name,
          status: load.status,
          teamId: load.teamId,
          partnerId: load.partnerId,
          calendar: load.calendar,
        },
        poolUpdate,
        source: 'pool',
        reasonCode: seen.size > 1 ? 'fallback' : 'pool',
        poolId: pool.id,
        queueId: null,
        fairness: {
          strategy: pool.strategy,
          returnPolicy: pool.return_policy,
          pointerBefore: state.pointer,
          pointerAfter: result.nextState.pointer,
          caps: chosen.criteriaCaps.filter((c) => c.applies).map((c) => c.name),
          load: {
            openCount: chosen.openCount,
            wipCap: chosen.wipCap,
            ...(chosen.rateCap.perDay !== null && { assignedToday: chosen.assignedToday }),
          },
        },
      },
      fellBack: seen.size > 1,
      unassigned: null,
      candidates,
      path,
    };
  }
  await trx
    .updateTable('pools')
    .set({ fairness: poolUpdate.fairness, decisions: poolUpdate.decisions })
    .where('id', '=', pool.id)
    .execute();
  if (pool.fallback_type && pool.fallback_id) {
    const next = await resolveTarget(trx, { type: pool.fallback_type, id: pool.fallback_id }, facts, now, seen);
    return { ...next, fellBack: true, candidates: [...candidates, ...next.candidates] };
  }
  return {
    placement: null,
    fellBack: seen.size > 1,
    unassigned: { code: 'pool_exhausted', reason: `no member of ${pool.name} is eligible and the pool has no fallback` },
    candidates,
    path,
  };
}
