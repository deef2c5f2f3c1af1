import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { returnViews } from '../document-views.js';

export type ReturnListQuery = {
  limit: number;
  cursor?: string;
  status?: 'authorized' | 'declined' | 'received' | 'closed';
  orderId?: string;
  channelId?: string;
  credited?: boolean;
};

/** Returns and credits desk: newest authorization first, with lines, received quantities and turnaround. */
export async function listReturns(ctx: UseCaseContext, query: ReturnListQuery) {
  assertCan(ctx.actor, 'order.read');
  if (query.orderId && !(await ctx.db.selectFrom('sales_orders').select('id').where('id', '=', query.orderId).executeTakeFirst()))
    throw notFound('order');
  let q = ctx.db.selectFrom('return_authorizations').selectAll('return_authorizations');
  if (query.status) q = q.where('return_authorizations.status', '=', query.status);
  if (query.orderId) q = q.where('return_authorizations.order_id', '=', query.orderId);
  if (query.credited !== undefined) q = q.where('return_authorizations.credited_at', query.credited ? 'is not' : 'is', null);
  if (query.channelId)
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('sales_orders')
          .select('sales_orders.id')
          .whereRef('sales_orders.id', '=', 'return_authorizations.order_id')
          .where('sales_orders.channel_id', '=', query.channelId!),
      ),
    );
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    const after = new Date(String(at));
    q = q.where((eb) =>
      eb.or([eb('authorized_at', '<', after), eb.and([eb('authorized_at', '=', after), eb('return_authorizations.id', '<', String(id))])]),
    );
  }
  const rows = await q
    .orderBy('authorized_at', 'desc')
    .orderBy('return_authorizations.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const views = await returnViews(ctx.db, rows.slice(0, query.limit));
  return toPage(
    rows.map((r, i) => ({ r, v: views[i] })),
    query.limit,
    ({ v }) => v!,
    ({ r }) => [r.authorized_at.toISOString(), r.id],
  );
}
