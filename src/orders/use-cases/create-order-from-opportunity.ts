import type { Trx } from '../../platform/db/database.js';
import { recordChange } from '../../platform/record-change.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

/**
 * Handoff: called by update-opportunity in its own transaction when an opportunity reaches Won. Creates (once)
 * a quote for the opportunity's account on the given channel, carrying the opportunity owner and its product
 * (when it names a catalog item) at the won amount. Returns null when there is nothing to hand off (no account, no channel, done before).
 */
export async function handOffWonOpportunity(trx: Trx, ctx: UseCaseContext, opportunityId: string, options: { channelCode?: string; validDays?: number } = {}): Promise<{ quoteId: string } | null> {
  const opp = await trx.selectFrom('opportunities').selectAll().where('id', '=', opportunityId).executeTakeFirst();
  if (!opp || !opp.account_id) return null;
  if (await trx.selectFrom('quotes').select('id').where('opportunity_id', '=', opp.id).executeTakeFirst()) return null;
  let channelQuery = trx.selectFrom('channels').selectAll();
  channelQuery = options.channelCode ? channelQuery.where('code', '=', options.channelCode) : channelQuery.where('kind', '=', 'field_sales').orderBy('created_at');
  const channel = await channelQuery.executeTakeFirst();
  if (!channel) return null;
  const now = ctx.clock.now();
  // The opportunity's product, when it names a catalog item, becomes the first line at the won amount (already minor units).
  const item = opp.product ? await trx.selectFrom('items').select('id').where((eb) => eb.or([eb('sku', '=', opp.product!), eb('name', '=', opp.product!)])).executeTakeFirst() : undefined;
  const lines = item ? [{ itemId: item.id, qty: 1, unitPriceMinor: Number(opp.amount ?? 0), priceListItemId: null }] : [];
  const quote = await trx
    .insertInto('quotes')
    .values({
      channel_id: channel.id,
      account_id: opp.account_id,
      opportunity_id: opp.id,
      owner_user_id: opp.owner_id,
      status: 'draft',
      valid_until: new Date(now.getTime() + (options.validDays ?? 30) * 86_400_000),
      lines: JSON.stringify(lines),
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordChange(trx, ctx, { event: 'quote.created', entityType: 'quote', entityId: quote.id, reason: 'opportunity won', after: { opportunityId: opp.id, ownerId: opp.owner_id, channelId: channel.id } });
  return { quoteId: quote.id };
}
