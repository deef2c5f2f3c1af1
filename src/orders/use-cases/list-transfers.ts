import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { transferViews } from '../document-views.js';

export type TransferListQuery = {
  limit: number;
  cursor?: string;
  status?: 'shipped' | 'partially_received' | 'received';
  locationId?: string;
};

/** Branch transfers, newest first, with shipped and received per line; locationId matches either end. */
export async function listTransfers(ctx: UseCaseContext, query: TransferListQuery) {
  assertCan(ctx.actor, 'order.read');
  if (query.locationId && !(await ctx.db.selectFrom('locations').select('id').where('id', '=', query.locationId).executeTakeFirst()))
    throw notFound('location');
  let q = ctx.db.selectFrom('transfers').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.locationId)
    q = q.where((eb) => eb.or([eb('from_location_id', '=', query.locationId!), eb('to_location_id', '=', query.locationId!)]));
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
  const views = await transferViews(ctx.db, rows.slice(0, query.limit));
  return toPage(
    rows.map((r, i) => ({ r, v: views[i] })),
    query.limit,
    ({ v }) => v!,
    ({ r }) => [r.created_at.toISOString(), r.id],
  );
}
