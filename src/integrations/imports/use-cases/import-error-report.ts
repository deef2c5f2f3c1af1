import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { assertCan } from '../../../platform/access/can.js';
import { notFound } from '../../../platform/errors.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { safeCell } from '../../../routing/core/exception-report.js';

/**
 * The job's errors and warnings as CSV, in line order, streamed page by page (a file of a million bad rows
 * is never in memory). Every cell is formula-safe: the raw row echoes what the uploader sent.
 */
export async function importErrorReport(ctx: UseCaseContext, jobId: string): Promise<Readable> {
  assertCan(ctx.actor, 'integration.manage');
  const job = await ctx.db.selectFrom('import_jobs').select('id').where('id', '=', jobId).executeTakeFirst();
  if (!job) throw notFound('import');
  const out = stringify({ header: true, columns: ['line', 'severity', 'column', 'reason', 'raw'] });
  void (async () => {
    try {
      let after: { line: number; severity: string; field: string } | null = null;
      for (;;) {
        let query = ctx.db.selectFrom('import_issues').select(['line', 'severity', 'field', 'message', 'raw']).where('job_id', '=', jobId);
        if (after) {
          const a = after;
          query = query.where((eb) =>
            eb.or([
              eb('line', '>', a.line),
              eb.and([
                eb('line', '=', a.line),
                eb.or([
                  eb('severity', '>', a.severity as 'error'),
                  eb.and([eb('severity', '=', a.severity as 'error'), eb('field', '>', a.field)]),
                ]),
              ]),
            ]),
          );
        }
        const page = await query.orderBy('line').orderBy('severity').orderBy('field').limit(2000).execute();
        for (const i of page) {
          if (!out.write([i.line, i.severity, safeCell(i.field), safeCell(i.message), safeCell(i.raw)]))
            await new Promise((resolve) => out.once('drain', resolve));
        }
        if (page.length < 2000) break;
        const last = page[page.length - 1]!;
        after = { line: last.line, severity: last.severity, field: last.field };
      }
      out.end();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
