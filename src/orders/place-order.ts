import { sql } from 'kysely';
import type { Trx } from '../platform/db/database.js';
import { invalidField, notFound } from '../platform/errors.js';
import { recordChange } from '../platform/record-change.js';
import { actorOf, type UseCaseContext } from '../platform/use-case-context.js';
import { type WorkflowGates, effectiveGates } from './core/gates.js';
import { type PriceBreak, priceFor } from './core/money.js';
import { findChannel, orderEvent } from './store.js';

export type PlaceOrderLine = { itemId: string; qty: number; unitPriceMinor?: number };

/** Breaks per item from the best price list for this channel and tier that is valid now. */
export async function priceBreaks(trx: Trx, channel: { id: string; price_list_id: string | null }, tier: string | null, itemIds: string[], now: Date): Promise<Map<string, PriceBreak[]>> {
  const rows = await sql<{ item_id: string; id: string; min_quantity: number; unit_price_minor: string; price_list_id: string; rank: number }>`
    select pli.item_id, pli.id, pli.min_quantity, pli.unit_price_minor, pl.id as price_list_id,
           dense_rank() over (partition by pli.item_id order by (pl.tier is not null) desc, pl.priority desc, pl.valid_from desc, pl.id) as rank
    from price_list_items pli join price_lists pl on pl.id = pli.price_list_id
    where pli.item_id = any(${itemIds}::uuid[])
      and (pl.channel_id = ${channel.id} or pl.id = ${channel.price_list_id})
      and (pl.tier is null or pl.tier = ${tier})
      and pl.valid_from <= ${now} and (pl.valid_to is null or pl.valid_to > ${now})`.execute(trx);
  const out = new Map<string, PriceBreak[]>();
  for (const r of rows.rows) {
    if (Number(r.rank) !== 1) continue;
    out.set(r.item_id, [...(out.get(r.item_id) ?? []), { id: r.id, minQuantity: r.min_quantity, unitPriceMinor: Number(r.unit_price_minor) }]);
  }
  return out;
}

/**
 * Creates a submitted order inside the caller's transaction: prices snapshotted (price list break, or the
 * quote's price), cost snapshotted, tax rate for the channel and region, and the workflow gates pinned.
 */
export async function placeOrder(
  trx: Trx,
  ctx: UseCaseContext,
  input: { channelId: string; accountId: string; region?: string | null; paymentStatus?: 'unpaid' | 'authorized' | 'paid'; lines: PlaceOrderLine[]; quoteId?: string | null },
) {
  const now = ctx.clock.now();
  const channel = await findChannel(trx, input.channelId);
  if (!channel) throw invalidField('channelId', 'no such channel');
  const account = await trx.selectFrom('accounts').select(['id', 'region']).where('id', '=', input.accountId).executeTakeFirst();
  if (!account) throw invalidField('accountId', 'no such account');
  const terms = await trx.selectFrom('customer_terms').selectAll().where('account_id', '=', input.accountId).executeTakeFirst();
  const itemIds = [...new Set(input.lines.map((l) => l.itemId))];
  const items = new Map((await trx.selectFrom('items').selectAll().where('id', 'in', itemIds).execute()).map((i) => [i.id, i]));
  input.lines.forEach((l, i) => {
    if (!items.has(l.itemId)) throw invalidField(`lines[${i}].itemId`, 'no such item');
  });
  const breaks = await priceBreaks(trx, channel, terms?.tier ?? null, itemIds, now);
  const priced = input.lines.map((l, i) => {
    if (l.unitPriceMinor !== undefined) return { ...l, unitPriceMinor: l.unitPriceMinor, priceListItemId: null as string | null };
    const hit = priceFor(breaks.get(l.itemId) ?? [], l.qty);
    if (!hit) throw invalidField(`lines[${i}].unitPriceMinor`, 'no valid price for this item in the channel price lists; give a price');
    return { ...l, unitPriceMinor: hit.unitPriceMinor, priceListItemId: hit.id as string | null };
  });

  const region = input.region ?? account.region ?? null;
  const regional = region ? await trx.selectFrom('tax_rates').select('rate_bp').where('channel_id', '=', channel.id).where('region', '=', region).executeTakeFirst() : undefined;
  const standard = await trx.selectFrom('workflow_definitions').selectAll().where('status', '=', 'active').executeTakeFirst();
  if (!standard) throw notFound('active workflow');
  const variant = await trx.selectFrom('workflow_variants').selectAll().where('channel_id', '=', channel.id).where('status', '=', 'active').executeTakeFirst();
  const effective = effectiveGates(standard.gates as WorkflowGates, variant ? { status: variant.status, reviewBy: variant.review_by, overlay: variant.overlay as WorkflowGates } : null, now);

  const order = await trx
    .insertInto('sales_orders')
    .values({
      channel_id: channel.id,
      account_id: account.id,
      quote_id: input.quoteId ?? null,
      region,
      currency: channel.currency,
      payment_status: input.paymentStatus ?? 'unpaid',
      invoice_policy: channel.invoice_policy,
      tax_rate_bp: regional?.rate_bp ?? channel.tax_rate_bp,
      workflow_version: standard.version,
      variant_id: effective.usesVariant ? variant!.id : null,
      variant_version: effective.usesVariant ? variant!.version : null,
      gates: JSON.stringify(effective.gates),
      created_by: actorOf(ctx).id,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('order_lines')
    .values(
      priced.map((l, i) => ({
        order_id: order.id,
        line_no: i + 1,
        item_id: l.itemId,
        unit_price_minor: l.unitPriceMinor,
        price_list_item_id: l.priceListItemId,
        unit_cost_minor: items.get(l.itemId)!.unit_cost_minor,
        qty_ordered: l.qty,
      })),
    )
    .execute();
  await orderEvent(trx, ctx, order, 'submitted');
  await recordChange(trx, ctx, { event: 'order.created', entityType: 'sales_order', entityId: order.id, after: { channelId: channel.id, accountId: account.id, lines: priced.length, workflowVersion: standard.version, variantId: order.variant_id } });
  return order;
}
