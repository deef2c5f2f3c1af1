import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { purchaseOrderViews } from '../document-views.js';

export type PurchaseOrderListQuery = {
  limit: number;
  cursor?: string;
  status?: 'pending_approval' | 'ordered' | 'received' | 'cancelled';
  locationId?: string;
};

/** Purchase orders, newest first, with their approval state and received quantities. */
export async function listPurchaseOrders(ctx: UseCaseContext, query: PurchaseOrderListQuery) {
  assertCan(ctx.actor, 'order.read');
  if (query.locationId && !(await ctx.db.selectFrom('locations').select('id').where('id', '=', query.locationId).executeTakeFirst()))
    throw notFound('location');
  let q = ctx.db.selectFrom('purchase_orders').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.locationId) q = q.where('location_id', '=', query.locationId);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    const after = new Date(String(at));
    q = q.where((eb) => eb.or([eb('created_at', '<', after), eb.and([eb('created_at', '=', after), eb('id', '<', String(id))])]));
  }
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const views = await purchaseOrderViews(ctx.db, rows.slice(0, query.limit));
  return toPage(
    rows.map((r, i) => ({ r, v: views[i] })),
    query.limit,
    ({ v }) => v!,
    ({ r }) => [r.created_at.toISOString(), r.id],
  );
}
