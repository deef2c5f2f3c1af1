import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { recordTitles, routingPolicy } from '../store.js';

export type RiskState = 'breached' | 'due_soon' | 'on_track';
export type RiskItem = {
  assignmentId: string;
  recordType: string;
  recordId: string;
  title: string;
  ownerId: string;
  ownerName: string;
  teamId: string | null;
  teamName: string | null;
  priority: string;
  dueAt: string;
  /** Negative once breached. */
  minutesToBreach: number;
  state: RiskState;
  reason: string;
  nextEscalation: { action: string; at: string } | null;
};
export type OwnerLoad = { ownerId: string; ownerName: string; open: number; breached: number; wipCap: number | null; over: boolean };
export type RiskQueue = {
  asOf: string;
  totals: { open: number; breached: number; dueSoon: number; unassigned: number; overCapacityOwners: number };
  items: RiskItem[];
  breachesByTeam: Array<{ teamId: string | null; teamName: string | null; breached: number; dueSoon: number }>;
  loadByOwner: OwnerLoad[];
};

/**
 * One place for a manager to see what is about to go wrong: open, unacknowledged assignments by time to
 * breach, the unassigned count, owners above their WIP cap, and when each item escalates next.
 */
export async function getRiskQueue(ctx: UseCaseContext, query: { teamId?: string; limit: number }): Promise<RiskQueue> {
  assertCan(ctx.actor, 'queue.risk');
  const now = ctx.clock.now();
  const dueSoonMs = Number((await routingPolicy(ctx.db)).due_soon_hours) * 3_600_000;
  let open = ctx.db
    .selectFrom('assignments as a')
    .innerJoin('users as u', 'u.id', 'a.owner_id')
    .leftJoin('teams as t', 't.id', 'a.team_id')
    .select(['a.id', 'a.record_type', 'a.record_id', 'a.owner_id', 'u.name as owner_name', 'a.team_id', 't.name as team_name', 'a.priority', 'a.due_at', 'a.reason'])
    .select((eb) =>
      eb
        .selectFrom('escalation_timers as e')
        .select(sql<string>`json_build_object('action', e.action, 'at', e.fire_at)`.as('next'))
        .whereRef('e.assignment_id', '=', 'a.id')
        .where('e.state', '=', 'pending')
        .where('e.action', '!=', 'due_soon')
        .orderBy('e.fire_at')
        .limit(1)
        .as('next_escalation'),
    )
    .where('a.closed_at', 'is', null)
    .where('a.acknowledged_at', 'is', null);
  if (query.teamId) open = open.where('a.team_id', '=', query.teamId);
  const rows = await open.orderBy('a.due_at').orderBy('a.id').limit(query.limit).execute();
  const titles = await recordTitles(ctx.db, rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id })));
  const items: RiskItem[] = rows.map((r) => {
    const left = r.due_at.getTime() - now.getTime();
    const next = r.next_escalation as unknown as { action: string; at: string } | null;
    return {
      assignmentId: r.id,
      recordType: r.record_type,
      recordId: r.record_id,
      title: titles.get(`${r.record_type}:${r.record_id}`) ?? r.record_type,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      teamId: r.team_id,
      teamName: r.team_name,
      priority: r.priority,
      dueAt: r.due_at.toISOString(),
      minutesToBreach: Math.round(left / 60_000),
      state: left < 0 ? 'breached' : left <= dueSoonMs ? 'due_soon' : 'on_track',
      reason: r.reason,
      nextEscalation: next ? { action: next.action, at: new Date(next.at).toISOString() } : null,
    };
  });

  const teams = await sql<{ team_id: string | null; team_name: string | null; breached: string; due_soon: string; open: string }>`
    select a.team_id, t.name as team_name,
           count(*) filter (where a.due_at < ${now}) as breached,
           count(*) filter (where a.due_at >= ${now} and a.due_at <= ${new Date(now.getTime() + dueSoonMs)}) as due_soon,
           count(*) as open
    from assignments a left join teams t on t.id = a.team_id
    where a.closed_at is null and a.acknowledged_at is null ${query.teamId ? sql`and a.team_id = ${query.teamId}` : sql``}
    group by a.team_id, t.name order by breached desc, t.name`.execute(ctx.db);
  const load = await sql<{ owner_id: string; owner_name: string; open: string; breached: string; wip_cap: number | null }>`
    select a.owner_id, u.name as owner_name, count(*) as open,
           count(*) filter (where a.acknowledged_at is null and a.due_at < ${now}) as breached,
           (select min(pm.wip_cap) from pool_members pm where pm.user_id = a.owner_id) as wip_cap
    from assignments a join users u on u.id = a.owner_id
    where a.closed_at is null ${query.teamId ? sql`and a.team_id = ${query.teamId}` : sql``}
    group by a.owner_id, u.name order by count(*) desc, u.name limit 200`.execute(ctx.db);
  const loadByOwner = load.rows.map((r) => ({ ownerId: r.owner_id, ownerName: r.owner_name, open: Number(r.open), breached: Number(r.breached), wipCap: r.wip_cap, over: r.wip_cap !== null && Number(r.open) > r.wip_cap }));
  const { unassigned } = await ctx.db.selectFrom('unassigned_records').select((eb) => eb.fn.countAll<string>().as('unassigned')).executeTakeFirstOrThrow();
  const breachesByTeam = teams.rows.map((r) => ({ teamId: r.team_id, teamName: r.team_name, breached: Number(r.breached), dueSoon: Number(r.due_soon) }));
  return {
    asOf: now.toISOString(),
    totals: {
      open: teams.rows.reduce((n, r) => n + Number(r.open), 0),
      breached: breachesByTeam.reduce((n, r) => n + r.breached, 0),
      dueSoon: breachesByTeam.reduce((n, r) => n + r.dueSoon, 0),
      unassigned: Number(unassigned),
      overCapacityOwners: loadByOwner.filter((o) => o.over).length,
    },
    items,
    breachesByTeam,
    loadByOwner,
  };
}
