import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { linesOf } from '../store.js';
import { orderView } from '../views.js';

export type OrderListQuery = { limit: number; cursor?: string; channelId?: string; lifecycle?: 'submitted' | 'released' | 'closed' | 'cancelled'; onHold?: boolean };

/** The order desk: newest first, filtered by channel, lifecycle and hold; statuses derived per order. */
export async function listOrders(ctx: UseCaseContext, query: OrderListQuery) {
  assertCan(ctx.actor, 'order.read');
  let q = ctx.db.selectFrom('sales_orders').selectAll();
  if (query.channelId) q = q.where('channel_id', '=', query.channelId);
  if (query.lifecycle) q = q.where('lifecycle', '=', query.lifecycle);
  if (query.onHold !== undefined) {
    const openHold = sql<boolean>`exists (select 1 from holds h where h.order_id = sales_orders.id and h.released_at is null)`;
    q = q.where(query.onHold ? openHold : sql<boolean>`not ${openHold}`);
  }
  if (query.cursor) {
    const [number] = decodeCursor(query.cursor, 1);
    q = q.where('number', '<', String(number));
  }
  const rows = await q.orderBy('number', 'desc').limit(query.limit + 1).execute();
  const ids = rows.map((r) => r.id);
  const holds = ids.length ? await ctx.db.selectFrom('holds').select(['order_id']).where('order_id', 'in', ids).where('released_at', 'is', null).execute() : [];
  const withLines = await Promise.all(rows.map(async (r) => ({ r, lines: await linesOf(ctx.db, r.id) })));
  return toPage(
    withLines,
    query.limit,
    ({ r, lines }) => orderView(r, lines, holds.filter((h) => h.order_id === r.id).length),
    ({ r }) => [Number(r.number)],
  );
}
