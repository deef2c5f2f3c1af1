import type { Executor } from '../platform/db/database.js';
import { notFound } from '../platform/errors.js';
import { findOrder, linesOf } from './store.js';
import { type OrderView, orderView } from './views.js';

export async function openHoldCount(db: Executor, orderId: string): Promise<number> {
  const row = await db.selectFrom('holds').select((eb) => eb.fn.countAll<string>().as('n')).where('order_id', '=', orderId).where('released_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getOrderIn(db: Executor, orderId: string): Promise<OrderView> {
  const order = await findOrder(db, orderId);
  if (!order) throw notFound('order');
  return orderView(order, await linesOf(db, orderId), await openHoldCount(db, orderId));
}
