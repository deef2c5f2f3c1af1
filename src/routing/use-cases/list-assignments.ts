import { assertCan } from '../../platform/access/can.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { withRenderedExplanations } from '../stored-explanation.js';
import { type AssignmentView, assignmentView } from '../views.js';

export type AssignmentQuery = { limit: number; cursor?: string; recordType?: string; recordId?: string; ownerId?: string; status?: 'open' | 'closed' };

export async function listAssignments(ctx: UseCaseContext, query: AssignmentQuery): Promise<Page<AssignmentView>> {
  assertCan(ctx.actor, 'assignment.read');
  let q = ctx.db.selectFrom('assignments').selectAll();
  if (query.recordType) q = q.where('record_type', '=', query.recordType);
  if (query.recordId) q = q.where('record_id', '=', query.recordId);
  if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
  if (query.status === 'open') q = q.where('closed_at', 'is', null);
  if (query.status === 'closed') q = q.where('closed_at', 'is not', null);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) => eb.or([eb('created_at', '<', new Date(at)), eb.and([eb('created_at', '=', new Date(at)), eb('id', '<', id)])]));
  }
  const rows = await withRenderedExplanations(ctx.db, await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute());
  return toPage(rows, query.limit, assignmentView, (r) => [r.created_at.toISOString(), r.id]);
}
