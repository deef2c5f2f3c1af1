import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ReportPeriod, checkPeriod } from './get-exception-report.js';

export type RoutingKpiRow = {
  teamId: string | null;
  teamName: string | null;
  assignments: number;
  byRule: number;
  manual: number;
  escalated: number;
  acknowledged: number;
  slaMet: number;
  /** Share of assignments whose due date has passed that were acknowledged in time (null: none due yet). */
  slaMetRate: number | null;
  medianMinutesToAcknowledge: number | null;
  p90MinutesToAcknowledge: number | null;
};
export type RoutingKpis = { period: { from: string; to: string }; overall: RoutingKpiRow; byTeam: RoutingKpiRow[]; unassignedNow: number; overrideRate: number | null };

/**
 * Whether routing works: how much is placed by rules vs by hand, how fast owners respond, how often the SLA
 * holds — per team and overall, for assignments created in [from, to).
 */
export async function getRoutingKpis(ctx: UseCaseContext, period: ReportPeriod): Promise<RoutingKpis> {
  assertCan(ctx.actor, 'report.routing');
  checkPeriod(period);
  const now = ctx.clock.now();
  const result = await sql<{
    team_id: string | null;
    team_name: string | null;
    grouped: boolean;
    assignments: string;
    by_rule: string;
    manual: string;
    escalated: string;
    acknowledged: string;
    due: string;
    sla_met: string;
    p50: number | null;
    p90: number | null;
  }>`
    select a.team_id, t.name as team_name, grouping(a.team_id, t.name) = 0 as grouped,
           count(*) as assignments,
           count(*) filter (where a.source in ('rule', 'pool')) as by_rule,
           count(*) filter (where a.source = 'manual') as manual,
           count(*) filter (where a.source = 'escalation') as escalated,
           count(*) filter (where a.acknowledged_at is not null) as acknowledged,
           count(*) filter (where a.due_at <= ${now}) as due,
           count(*) filter (where a.due_at <= ${now} and a.acknowledged_at is not null and a.acknowledged_at <= a.due_at) as sla_met,
           percentile_cont(0.5) within group (order by extract(epoch from a.acknowledged_at - a.created_at) / 60) filter (where a.acknowledged_at is not null) as p50,
           percentile_cont(0.9) within group (order by extract(epoch from a.acknowledged_at - a.created_at) / 60) filter (where a.acknowledged_at is not null) as p90
    from assignments a left join teams t on t.id = a.team_id
    where a.created_at >= ${period.from} and a.created_at < ${period.to}
    group by grouping sets ((a.team_id, t.name), ())
    order by grouped, count(*) desc`.execute(ctx.db);
  const toRow = (r: (typeof result.rows)[number]): RoutingKpiRow => ({
    teamId: r.team_id,
    teamName: r.team_name,
    assignments: Number(r.assignments),
    byRule: Number(r.by_rule),
    manual: Number(r.manual),
    escalated: Number(r.escalated),
    acknowledged: Number(r.acknowledged),
    slaMet: Number(r.sla_met),
    slaMetRate: Number(r.due) > 0 ? Number(r.sla_met) / Number(r.due) : null,
    medianMinutesToAcknowledge: r.p50 === null ? null : Math.round(Number(r.p50)),
    p90MinutesToAcknowledge: r.p90 === null ? null : Math.round(Number(r.p90)),
  });
  const overallRow = result.rows.find((r) => !r.grouped);
  const empty: RoutingKpiRow = { teamId: null, teamName: null, assignments: 0, byRule: 0, manual: 0, escalated: 0, acknowledged: 0, slaMet: 0, slaMetRate: null, medianMinutesToAcknowledge: null, p90MinutesToAcknowledge: null };
  const overall = overallRow ? toRow(overallRow) : empty;
  const { n } = await ctx.db.selectFrom('unassigned_records').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    overall,
    byTeam: result.rows.filter((r) => r.grouped).map(toRow),
    unassignedNow: Number(n),
    overrideRate: overall.assignments > 0 ? overall.manual / overall.assignments : null,
  };
}
