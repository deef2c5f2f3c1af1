import { assertCan } from '../../platform/access/can.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { placeOrder } from '../place-order.js';
import type { CreateOrderInput } from '../schemas.js';
import { getOrderIn } from '../read-order.js';
import type { OrderView } from '../views.js';

export async function createOrder(ctx: UseCaseContext, input: CreateOrderInput): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  return inTransaction(ctx, async (trx) => {
    const order = await placeOrder(trx, ctx, input);
    return getOrderIn(trx, order.id);
  });
}
