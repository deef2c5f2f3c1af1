import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { creditMemoViews } from '../document-views.js';

export type CreditMemoListQuery = {
  limit: number;
  cursor?: string;
  kind?: 'goods' | 'price';
  status?: 'draft' | 'approved' | 'posted' | 'void';
  orderId?: string;
  returnId?: string;
};

/** Credit memos, newest first; goods memos name the return they credit. */
export async function listCreditMemos(ctx: UseCaseContext, query: CreditMemoListQuery) {
  assertCan(ctx.actor, 'order.read');
  if (query.orderId && !(await ctx.db.selectFrom('sales_orders').select('id').where('id', '=', query.orderId).executeTakeFirst()))
    throw notFound('order');
  if (
    query.returnId &&
    !(await ctx.db.selectFrom('return_authorizations').select('id').where('id', '=', query.returnId).executeTakeFirst())
  )
    throw notFound('return');
  let q = ctx.db.selectFrom('credit_memos').selectAll();
  if (query.kind) q = q.where('kind', '=', query.kind);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.orderId) q = q.where('order_id', '=', query.orderId);
  if (query.returnId) q = q.where('return_id', '=', query.returnId);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    const after = new Date(String(at));
    q = q.where((eb) => eb.or([eb('posted_at', '<', after), eb.and([eb('posted_at', '=', after), eb('id', '<', String(id))])]));
  }
  const rows = await q
    .orderBy('posted_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const views = await creditMemoViews(ctx.db, rows.slice(0, query.limit));
  return toPage(
    rows.map((r, i) => ({ r, v: views[i] })),
    query.limit,
    ({ v }) => v!,
    ({ r }) => [r.posted_at.toISOString(), r.id],
  );
}
