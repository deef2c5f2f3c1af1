import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { priceFor } from '../core/money.js';
import { priceBreaks } from '../place-order.js';
import type { CreateQuoteInput } from '../schemas.js';
import { findChannel } from '../store.js';
import { type QuoteView, quoteView } from '../quote-view.js';

/** A quote snapshots its prices now (price list break or given price); accepting it later keeps them. */
export async function createQuote(ctx: UseCaseContext, input: CreateQuoteInput & { opportunityId?: string; ownerUserId?: string | null }): Promise<QuoteView> {
  assertCan(ctx.actor, 'order.write');
  const now = ctx.clock.now();
  if (input.validUntil <= now) throw invalidField('validUntil', 'must be in the future');
  return inTransaction(ctx, async (trx) => {
    const channel = await findChannel(trx, input.channelId);
    if (!channel) throw invalidField('channelId', 'no such channel');
    if (!(await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).executeTakeFirst())) throw invalidField('accountId', 'no such account');
    const terms = await trx.selectFrom('customer_terms').select('tier').where('account_id', '=', input.accountId).executeTakeFirst();
    const itemIds = [...new Set(input.lines.map((l) => l.itemId))];
    const known = new Set((await trx.selectFrom('items').select('id').where('id', 'in', itemIds).execute()).map((r) => r.id));
    const breaks = await priceBreaks(trx, channel, terms?.tier ?? null, itemIds, now);
    const lines = input.lines.map((l, i) => {
      if (!known.has(l.itemId)) throw invalidField(`lines[${i}].itemId`, 'no such item');
      if (l.unitPriceMinor !== undefined) return { itemId: l.itemId, qty: l.qty, unitPriceMinor: l.unitPriceMinor, priceListItemId: null };
      const hit = priceFor(breaks.get(l.itemId) ?? [], l.qty);
      if (!hit) throw invalidField(`lines[${i}].unitPriceMinor`, 'no valid price for this item; give a price');
      return { itemId: l.itemId, qty: l.qty, unitPriceMinor: hit.unitPriceMinor, priceListItemId: hit.id };
    });
    const row = await trx
      .insertInto('quotes')
      .values({ channel_id: channel.id, account_id: input.accountId, opportunity_id: input.opportunityId ?? null, owner_user_id: input.ownerUserId ?? actorOf(ctx).id, status: 'sent', valid_until: input.validUntil, lines: JSON.stringify(lines), created_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = quoteView(row, null);
    await recordChange(trx, ctx, { event: 'quote.created', entityType: 'quote', entityId: row.id, after: view });
    return view;
  });
}
