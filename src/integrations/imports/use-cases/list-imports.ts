import { assertCan } from '../../../platform/access/can.js';
import { notFound } from '../../../platform/errors.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { type ImportJobView, importJobView } from '../views.js';

export async function listImports(ctx: UseCaseContext, query: { limit?: number } = {}): Promise<{ items: ImportJobView[] }> {
  assertCan(ctx.actor, 'integration.manage');
  const rows = await ctx.db
    .selectFrom('import_jobs')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(query.limit ?? 50)
    .execute();
  return { items: rows.map(importJobView) };
}

export async function getImport(ctx: UseCaseContext, id: string): Promise<ImportJobView> {
  assertCan(ctx.actor, 'integration.manage');
  const row = await ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('import');
  return importJobView(row);
}
