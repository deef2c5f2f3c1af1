import { sql } from 'kysely';
import type { Db, Trx } from '../platform/db/database.js';
import { hasWorkingTime, isWorkingAt } from './core/business-time.js';
import type { Facts } from './core/facts.js';
import type { MemberLoad } from './core/simulation-summary.js';
import { type FairnessState, type PoolConfig, type PoolMember, bulkSelect } from './core/pool-selection.js';
import type { Target } from './core/ruleset.js';
import { type Candidate, type CriteriaCapDefinition, capMatcher } from './resolve-target.js';
import { findPerson, findPool, findQueue, partnerChannelManager, poolMembersWithLoad, teamManagerOf } from './store.js';

/** Where a target would lead, decided without writing anything. */
export type SimulatedPlacement = {
  ownerId: string | null;
  poolId: string | null;
  queueId: string | null;
  fellBack: boolean;
  unassigned: { code: string; reason: string } | null;
  candidates: Candidate[];
  path: string[];
};

type SimulatedPool = {
  name: string;
  config: PoolConfig;
  caps: CriteriaCapDefinition[];
  fallback: { type: 'user' | 'pool' | 'queue'; id: string } | null;
  initial: PoolMember[];
  members: PoolMember[];
  state: FairnessState;
};

/**
 * Resolves rule targets the way routing would, read-only: users, queues and relative roles are looked up;
 * pools start from their stored fairness state and members' current load and are then advanced in memory
 * (one `bulkSelect` step per record), so a run over many records spreads them the way live routing would.
 * One resolver per scenario: the draft and the published rule set each get their own pool states.
 */
export class ReadOnlyResolver {
  private readonly pools = new Map<string, SimulatedPool | null>();
  private readonly people = new Map<string, boolean>();

  constructor(
    private readonly trx: Trx,
    private readonly now: Date,
  ) {}

  /** Every pool this resolver touched, with each member's open work and WIP cap before the simulation. */
  memberLoads(): MemberLoad[] {
    return [...this.pools.entries()].flatMap(([poolId, pool]) => (pool ? pool.initial.map((m) => ({ poolId, userId: m.userId, openCount: m.openCount, wipCap: m.wipCap })) : []));
  }

  async resolve(target: Target | { type: 'user' | 'pool' | 'queue'; id: string }, facts: Facts, seen = new Set<string>()): Promise<SimulatedPlacement> {
    const hop = target.type === 'relative' ? `relative:${target.relation}` : `${target.type}:${target.id}`;
    const path = [...seen, hop];
    const fellBack = seen.size > 0;
    const nobody = (code: string, reason: string, candidates: Candidate[] = []): SimulatedPlacement => ({ ownerId: null, poolId: null, queueId: null, fellBack, unassigned: { code, reason }, candidates, path });
    if (seen.has(hop)) return nobody('fallback_cycle', `fallback chain loops back to ${hop}`);
    seen.add(hop);
    const person = async (userId: string, queueId: string | null): Promise<SimulatedPlacement> =>
      (await this.isActiveInternal(userId))
        ? { ownerId: userId, poolId: null, queueId, fellBack, unassigned: null, candidates: [], path }
        : nobody('target_inactive', 'the target user is not an active internal user');

    switch (target.type) {
      case 'user':
        return person(target.id, null);
      case 'queue': {
        const queue = await findQueue(this.trx, target.id);
        return queue ? person(queue.owner_id, queue.id) : nobody('target_missing', 'the queue no longer exists');
      }
      case 'relative': {
        const userId = await this.relativeUser(target.relation, facts);
        return userId ? person(userId, null) : nobody('target_unresolved', `${target.relation} is not set for this record`);
      }
      case 'pool': {
        const pool = await this.pool(target.id);
        if (!pool) return nobody('target_missing', 'the pool no longer exists');
        const nowMs = this.now.getTime();
        const request = {
          region: (facts.region as string | null | undefined) ?? null,
          productLine: (facts.productLine as string | null | undefined) ?? null,
          criteria: pool.caps.filter((cap) => capMatcher(cap)(facts, nowMs)).map((cap) => cap.name),
        };
        const step = bulkSelect(pool.config, pool.members, pool.state, [request]);
        const pick = step.selections[0]!;
        pool.members = step.members;
        pool.state = step.state;
        const candidates = pick.candidates as Candidate[];
        if (pick.chosen) return { ownerId: pick.chosen, poolId: target.id, queueId: null, fellBack, unassigned: null, candidates, path };
        if (pool.fallback) {
          const next = await this.resolve(pool.fallback, facts, seen);
          return { ...next, fellBack: true, candidates: [...candidates, ...next.candidates] };
        }
        return nobody('pool_exhausted', `no member of ${pool.name} is eligible and the pool has no fallback`, candidates);
      }
    }
  }

  private async isActiveInternal(userId: string): Promise<boolean> {
    let ok = this.people.get(userId);
    if (ok === undefined) {
      const user = await findPerson(this.trx, userId);
      this.people.set(userId, (ok = !!user && user.status === 'active' && user.partnerId === null));
    }
    return ok;
  }

  private async relativeUser(relation: Extract<Target, { type: 'relative' }>['relation'], facts: Facts): Promise<string | null> {
    const account = facts.account as { ownerId?: string | null; channelPartnerId?: string | null } | undefined;
    switch (relation) {
      case 'account.owner':
        return account?.ownerId ?? null;
      case 'account.channelManager':
        return account?.channelPartnerId ? partnerChannelManager(this.trx, account.channelPartnerId) : null;
      case 'owner.manager':
        return typeof facts.ownerId === 'string' ? teamManagerOf(this.trx, facts.ownerId) : null;
      case 'team.lead':
        return account?.ownerId ? teamManagerOf(this.trx, account.ownerId) : null;
    }
  }

  private async pool(poolId: string): Promise<SimulatedPool | null> {
    if (this.pools.has(poolId)) return this.pools.get(poolId)!;
    const row = await findPool(this.trx, poolId);
    if (!row) {
      this.pools.set(poolId, null);
      return null;
    }
    const caps = row.criteria_caps as CriteriaCapDefinition[];
    const loads = await poolMembersWithLoad(this.trx, row.id, this.now, caps.map((c) => c.name));
    const members: PoolMember[] = loads.map((m) => ({
      userId: m.userId,
      position: m.position,
      weight: m.weight,
      active: m.status === 'active',
      availability: m.away ? 'out_of_office' : row.respect_hours && m.calendar && hasWorkingTime(m.calendar) && !isWorkingAt(m.calendar, this.now) ? 'outside_hours' : 'available',
      wipCap: m.wipCap,
      openCount: m.openCount,
      rateCap: { perDay: m.ratePerDay, perWeek: m.ratePerWeek },
      assignedToday: m.assignedToday,
      assignedThisWeek: m.assignedThisWeek,
      criteriaCaps: caps.map((cap) => ({ name: cap.name, max: cap.max, current: m.openByCap[cap.name] ?? 0, applies: false })),
      skills: { regions: m.regions, productLines: m.productLines },
    }));
    const pool: SimulatedPool = {
      name: row.name,
      config: { strategy: row.strategy, returnPolicy: row.return_policy, useSkills: row.use_skills },
      caps,
      fallback: row.fallback_type && row.fallback_id ? { type: row.fallback_type, id: row.fallback_id } : null,
      initial: members,
      members,
      state: structuredClone(row.fairness as unknown as FairnessState),
    };
    this.pools.set(poolId, pool);
    return pool;
  }
}

/**
 * Runs read-only work in a transaction PostgreSQL itself refuses to write in (any INSERT/UPDATE fails),
 * and rolls it back whatever happens.
 */
export async function readOnly<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  const done = { value: undefined as T };
  try {
    await db.transaction().execute(async (trx) => {
      await sql`set transaction read only`.execute(trx);
      done.value = await work(trx);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return done.value;
}
const ROLLBACK = Symbol('rollback');
