import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { Executor } from '../../platform/db/database.js';
import { invalidField } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ExceptionItem, type ExceptionReport, buildExceptionReport, exceptionCsvRows } from '../core/exception-report.js';
import { type Rule, isCatchAll } from '../core/ruleset.js';

const MAX_PERIOD_DAYS = 92;

export type ReportPeriod = { from: Date; to: Date };

export function checkPeriod(period: ReportPeriod): void {
  if (!(period.to > period.from)) throw invalidField('to', 'must be after from');
  if (period.to.getTime() - period.from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw invalidField('to', `a report covers at most ${MAX_PERIOD_DAYS} days`);
}

/** On demand: every routing exception in [from, to), by team and by rule. */
export async function getExceptionReport(ctx: UseCaseContext, period: ReportPeriod): Promise<ExceptionReport> {
  assertCan(ctx.actor, 'report.routing');
  checkPeriod(period);
  return collectExceptionReport(ctx.db, period, ctx.clock.now());
}

export async function getExceptionReportCsv(ctx: UseCaseContext, period: ReportPeriod): Promise<string> {
  return stringify(exceptionCsvRows(await getExceptionReport(ctx, period)));
}

type AssignmentFacts = { record_type: string; record_id: string; team_id: string | null; team_name: string | null; ruleset_id: string | null; rule_id: string | null; owner_id: string };

export async function collectExceptionReport(db: Executor, period: ReportPeriod, now: Date): Promise<ExceptionReport> {
  const { from, to } = period;
  const end = to < now ? to : now;
  const ruleNames = await rulesIndex(db);
  const item = (a: AssignmentFacts, rest: Pick<ExceptionItem, 'category' | 'kind' | 'status' | 'detail' | 'at'>): ExceptionItem => ({
    ...rest,
    recordType: a.record_type,
    recordId: a.record_id,
    teamId: a.team_id,
    teamName: a.team_name,
    rulesetId: a.ruleset_id,
    ruleId: a.rule_id,
    ruleName: a.rule_id ? (ruleNames.get(a.rule_id)?.name ?? null) : null,
    ownerId: a.owner_id,
  });

  // Overrides: the assignment people overrode carries the team and rule they disagreed with.
  const overrides = await sql<AssignmentFacts & { at: Date; reason: string; reason_code: string }>`
    select m.record_type, m.record_id, p.team_id, t.name as team_name, p.ruleset_id, p.rule_id, m.owner_id, m.created_at as at, m.reason, m.reason_code
    from assignments m
    left join lateral (select * from assignments p where p.record_type = m.record_type and p.record_id = m.record_id and p.created_at < m.created_at order by p.created_at desc limit 1) p on true
    left join teams t on t.id = p.team_id
    where m.source = 'manual' and m.created_at >= ${from} and m.created_at < ${to}`.execute(db);
  const requests = await sql<AssignmentFacts & { at: Date; status: string; reason: string }>`
    select r.record_type, r.record_id, a.team_id, t.name as team_name, a.ruleset_id, a.rule_id, r.to_user_id as owner_id, r.created_at as at, r.status, r.reason
    from override_requests r
    left join assignments a on a.record_type = r.record_type and a.record_id = r.record_id and a.closed_at is null
    left join teams t on t.id = a.team_id
    where r.created_at >= ${from} and r.created_at < ${to}`.execute(db);
  const escalations = await sql<AssignmentFacts & { at: Date; action: string; outcome: string | null }>`
    select a.record_type, a.record_id, a.team_id, t.name as team_name, a.ruleset_id, a.rule_id, a.owner_id, e.fired_at as at, e.action, e.outcome
    from escalation_timers e join assignments a on a.id = e.assignment_id left join teams t on t.id = a.team_id
    where e.state = 'fired' and e.action in ('notify_owner', 'notify_manager', 'reassign') and e.fired_at >= ${from} and e.fired_at < ${to}`.execute(db);
  const breaches = await sql<AssignmentFacts & { at: Date; kind: string }>`
    select a.record_type, a.record_id, a.team_id, t.name as team_name, a.ruleset_id, a.rule_id, a.owner_id, a.due_at as at,
           case when a.acknowledged_at is not null then 'acknowledged_late' when a.closed_at is null then 'open_past_due' else 'closed_unacknowledged' end as kind
    from assignments a left join teams t on t.id = a.team_id
    where a.due_at >= ${from} and a.due_at < ${end}
      and (a.acknowledged_at is null or a.acknowledged_at > a.due_at)
      and (a.closed_at is null or a.closed_at > a.due_at)`.execute(db);
  const unassigned = await db.selectFrom('unassigned_records').selectAll().where('since', '<', to).execute();
  const placedByRule = await sql<AssignmentFacts & { at: Date }>`
    select a.record_type, a.record_id, a.team_id, t.name as team_name, a.ruleset_id, a.rule_id, a.owner_id, a.created_at as at
    from assignments a left join teams t on t.id = a.team_id
    where a.source in ('rule', 'pool') and a.rule_id is not null and a.created_at >= ${from} and a.created_at < ${to}`.execute(db);

  const items: ExceptionItem[] = [
    ...overrides.rows.map((r) => item(r, { category: 'override', kind: 'manual', status: r.reason_code, detail: r.reason, at: r.at.toISOString() })),
    ...requests.rows.map((r) => item(r, { category: 'override', kind: 'request', status: r.status, detail: r.reason, at: r.at.toISOString() })),
    ...escalations.rows.map((r) => item(r, { category: 'escalation', kind: r.action, status: null, detail: r.outcome, at: r.at.toISOString() })),
    ...breaches.rows.map((r) => item(r, { category: 'breach', kind: r.kind, status: null, detail: null, at: r.at.toISOString() })),
    ...unassigned.map(
      (u): ExceptionItem => ({
        category: 'unassigned',
        kind: u.reason_code,
        recordType: u.record_type,
        recordId: u.record_id,
        teamId: null,
        teamName: null,
        rulesetId: u.ruleset_id,
        ruleId: null,
        ruleName: null,
        ownerId: null,
        status: u.reason_code,
        detail: u.reason,
        at: u.since.toISOString(),
      }),
    ),
    ...placedByRule.rows.filter((r) => ruleNames.get(r.rule_id!)?.catchAll).map((r) => item(r, { category: 'catch_all', kind: 'catch_all', status: null, detail: 'only the catch-all rule matched', at: r.at.toISOString() })),
  ];
  return buildExceptionReport({ from: from.toISOString(), to: to.toISOString() }, items);
}

async function rulesIndex(db: Executor): Promise<Map<string, { name: string; catchAll: boolean }>> {
  const rulesets = await db.selectFrom('rulesets').select('rules').where('status', 'in', ['published', 'retired']).execute();
  const index = new Map<string, { name: string; catchAll: boolean }>();
  for (const rs of rulesets) for (const rule of rs.rules as unknown as Rule[]) if (rule.id) index.set(rule.id, { name: rule.name, catchAll: isCatchAll(rule) });
  return index;
}
