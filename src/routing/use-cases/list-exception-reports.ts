import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { ExceptionReport } from '../core/exception-report.js';

/** The stored weekly reports, newest first, with their totals. */
export async function listStoredExceptionReports(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'report.routing');
  const rows = await ctx.db.selectFrom('exception_reports').select(['id', 'period_from', 'period_to', 'generated_at', 'content']).orderBy('period_from', 'desc').limit(52).execute();
  return { items: rows.map((r) => ({ id: r.id, from: r.period_from.toISOString(), to: r.period_to.toISOString(), generatedAt: r.generated_at.toISOString(), totals: (r.content as unknown as ExceptionReport).totals })) };
}
