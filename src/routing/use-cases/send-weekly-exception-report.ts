import { rolePermissions } from '../../platform/access/permissions.js';
import type { Role } from '../../platform/db/database.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { notifyMany } from '../append-assignment.js';
import { collectExceptionReport } from './get-exception-report.js';

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 UTC of the week before `now`'s week, and the Monday after it. */
export function previousWeek(now: Date): { from: Date; to: Date } {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  const to = new Date(midnight - sinceMonday * 86_400_000);
  return { from: new Date(to.getTime() - WEEK_MS), to };
}

/**
 * The weekly report: generated once per week (a unique period makes a second run — another worker, a
 * restart — a no-op), kept, and announced in the inbox of everyone who reads routing reports.
 */
export async function sendWeeklyExceptionReport(ctx: UseCaseContext): Promise<{ generated: boolean; reportId: string | null }> {
  const period = previousWeek(ctx.clock.now());
  return inTransaction(ctx, async (trx) => {
    const report = await collectExceptionReport(trx, period, ctx.clock.now());
    const row = await trx
      .insertInto('exception_reports')
      .values({ period_from: period.from, period_to: period.to, content: JSON.stringify(report), generated_at: ctx.clock.now(), generated_by: ctx.actor.label })
      .onConflict((oc) => oc.columns(['period_from', 'period_to']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return { generated: false, reportId: null };
    await recordChange(trx, ctx, { event: 'report.exceptions_generated', entityType: 'exception_report', entityId: row.id, after: { period: report.period, totals: report.totals } });
    const readers = (Object.keys(rolePermissions) as Role[]).filter((r) => rolePermissions[r].includes('report.routing'));
    const people = await trx.selectFrom('users').select('id').where('role', 'in', readers).where('status', '=', 'active').execute();
    const { totals } = report;
    await notifyMany(
      trx,
      ctx,
      people.map((p) => ({
        userId: p.id,
        kind: 'exception_report' as const,
        recordType: 'exception_report',
        recordId: row.id,
        title: `Routing exceptions, week of ${period.from.toISOString().slice(0, 10)}`,
        body: `${totals.total} exceptions: ${totals.breach} breaches, ${totals.escalation} escalations, ${totals.override} overrides, ${totals.unassigned} unassigned, ${totals.catch_all} catch-all hits.`,
      })),
    );
    return { generated: true, reportId: row.id };
  });
}
