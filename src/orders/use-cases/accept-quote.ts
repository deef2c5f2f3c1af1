import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { placeOrder } from '../place-order.js';
import { getOrderIn } from '../read-order.js';
import type { OrderView } from '../views.js';

/** Accepting a valid quote creates the order at the quote's price snapshot; an expired quote is marked so. */
export async function acceptQuote(ctx: UseCaseContext, quoteId: string, expectedVersion?: number): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  const result = await inTransaction(ctx, async (trx) => {
    const quote = await trx.selectFrom('quotes').selectAll().where('id', '=', quoteId).forUpdate().executeTakeFirst();
    if (!quote) throw notFound('quote');
    if (expectedVersion !== undefined) assertVersion(quote.version, expectedVersion);
    if (quote.status !== 'sent' && quote.status !== 'draft') throw new AppError('conflict', `This quote is ${quote.status}.`);
    if (quote.lines.length === 0) throw new AppError('rule_violation', 'This quote has no lines yet.');
    if (quote.valid_until.getTime() <= ctx.clock.now().getTime()) {
      await trx.updateTable('quotes').set((eb) => ({ status: 'expired', version: eb('version', '+', 1) })).where('id', '=', quote.id).execute();
      return { expired: true as const };
    }
    const order = await placeOrder(trx, ctx, { channelId: quote.channel_id, accountId: quote.account_id, quoteId: quote.id, lines: quote.lines.map((l) => ({ itemId: l.itemId, qty: l.qty, unitPriceMinor: l.unitPriceMinor })) });
    await trx.updateTable('quotes').set((eb) => ({ status: 'accepted', version: eb('version', '+', 1) })).where('id', '=', quote.id).execute();
    await recordChange(trx, ctx, { event: 'quote.accepted', entityType: 'quote', entityId: quote.id, after: { orderId: order.id } });
    return { view: await getOrderIn(trx, order.id) };
  });
  if ('expired' in result) throw new AppError('rule_violation', 'This quote has expired; issue a new one.');
  return result.view;
}
