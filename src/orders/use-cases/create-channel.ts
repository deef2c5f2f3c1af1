import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateChannelInput } from '../schemas.js';
import { type ChannelView, channelView } from '../views.js';

export async function createChannel(ctx: UseCaseContext, input: CreateChannelInput): Promise<ChannelView> {
  assertCan(ctx.actor, 'order.configure');
  if (new Set(input.locationIds).size !== input.locationIds.length) throw invalidField('locationIds', 'lists a location twice');
  return inTransaction(ctx, async (trx) => {
    if (await trx.selectFrom('channels').select('id').where('code', '=', input.code).executeTakeFirst()) throw new AppError('conflict', 'A channel with this code exists.', [{ path: 'code', message: 'already in use' }]);
    const found = await trx.selectFrom('locations').select('id').where('id', 'in', input.locationIds).where('kind', '<>', 'in_transit').execute();
    if (found.length !== input.locationIds.length) throw invalidField('locationIds', 'names an unknown or in-transit location');
    if (input.priceListId && !(await trx.selectFrom('price_lists').select('id').where('id', '=', input.priceListId).executeTakeFirst())) throw invalidField('priceListId', 'no such price list');
    if (input.opsOwnerId && !(await trx.selectFrom('users').select('id').where('id', '=', input.opsOwnerId).where('partner_id', 'is', null).executeTakeFirst())) throw invalidField('opsOwnerId', 'no such internal user');
    const row = await trx
      .insertInto('channels')
      .values({
        code: input.code,
        name: input.name,
        kind: input.kind,
        allocation_strategy: input.allocationStrategy,
        invoice_policy: input.invoicePolicy,
        price_list_id: input.priceListId ?? null,
        tax_rate_bp: input.taxRateBp,
        ops_owner_id: input.opsOwnerId ?? null,
        currency: input.currency,
        created_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('channel_locations').values(input.locationIds.map((locationId, position) => ({ channel_id: row.id, location_id: locationId, position }))).execute();
    if (input.regionTaxRates.length > 0) await trx.insertInto('tax_rates').values(input.regionTaxRates.map((r) => ({ channel_id: row.id, region: r.region, rate_bp: r.rateBp }))).execute();
    const view = channelView(row, input.locationIds);
    await recordChange(trx, ctx, { event: 'channel.created', entityType: 'channel', entityId: row.id, after: view });
    return view;
  });
}
