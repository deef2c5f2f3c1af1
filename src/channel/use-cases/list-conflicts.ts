import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ConflictView, conflictRows, conflictView, listConflictRows } from '../conflict-store.js';
import type { ConflictListFilter } from '../schemas/conflicts.js';

/** The conflict queue: soonest due first; filter by status, account, partner, overdue. */
export async function listConflicts(ctx: UseCaseContext, filter: ConflictListFilter): Promise<Page<ConflictView>> {
  assertCan(ctx.actor, 'conflict.read');
  const now = ctx.clock.now();
  const after = filter.cursor ? (decodeCursor(filter.cursor, 2) as [string, string]) : undefined;
  const rows = await listConflictRows(ctx.db, { ...filter, ...(after && { after }) }, now);
  return toPage(rows, filter.limit, (c) => conflictView(c, now), (c) => [c.due_at.toISOString(), c.id]);
}

export async function getConflict(ctx: UseCaseContext, conflictId: string): Promise<ConflictView> {
  assertCan(ctx.actor, 'conflict.read');
  const row = await conflictRows(ctx.db).where('c.id', '=', conflictId).executeTakeFirst();
  if (!row) throw notFound('conflict case');
  return conflictView(row, ctx.clock.now());
}
