import { assertCan } from '../../platform/access/can.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

export async function listExceptions(ctx: UseCaseContext, query: { limit: number; cursor?: string; status?: 'open' | 'resolved' | 'waived'; channelId?: string; ownerId?: string }) {
  assertCan(ctx.actor, 'order.read');
  let q = ctx.db.selectFrom('order_exceptions').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.channelId) q = q.where('channel_id', '=', query.channelId);
  if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('opened_at', '<', new Date(String(at))), eb.and([eb('opened_at', '=', new Date(String(at))), eb('id', '<', String(id))])]));
  }
  const rows = await q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(
    rows,
    query.limit,
    (e) => ({ id: e.id, controlPoint: e.control_point, category: e.category, subjectType: e.subject_type, subjectId: e.subject_id, orderId: e.order_id, channelId: e.channel_id, detail: e.detail, status: e.status, ownerId: e.owner_id, dueAt: e.due_at.toISOString(), openedAt: e.opened_at.toISOString(), version: e.version }),
    (e) => [e.opened_at.toISOString(), e.id],
  );
}
