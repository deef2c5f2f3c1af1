import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateTransferInput } from '../schemas.js';
import { moveStock } from '../store.js';

/** Ships a branch transfer: free units leave the source on hand and sit in the in-transit location until received. */
export async function shipTransfer(ctx: UseCaseContext, input: CreateTransferInput) {
  assertCan(ctx.actor, 'stock.manage');
  if (input.fromLocationId === input.toLocationId) throw invalidField('toLocationId', 'must differ from the source');
  return inTransaction(ctx, async (trx) => {
    const locations = new Map((await trx.selectFrom('locations').select(['id', 'kind']).where('id', 'in', [input.fromLocationId, input.toLocationId, input.transitLocationId]).execute()).map((l) => [l.id, l.kind]));
    if (!locations.has(input.fromLocationId) || locations.get(input.fromLocationId) === 'in_transit') throw invalidField('fromLocationId', 'no such location');
    if (!locations.has(input.toLocationId) || locations.get(input.toLocationId) === 'in_transit') throw invalidField('toLocationId', 'no such location');
    if (locations.get(input.transitLocationId) !== 'in_transit') throw invalidField('transitLocationId', 'must be an in-transit location');
    const now = ctx.clock.now();
    const transfer = await trx.insertInto('transfers').values({ from_location_id: input.fromLocationId, to_location_id: input.toLocationId, transit_location_id: input.transitLocationId, status: 'shipped', created_at: now }).returningAll().executeTakeFirstOrThrow();
    const lines = await trx.insertInto('transfer_lines').values(input.lines.map((l) => ({ transfer_id: transfer.id, item_id: l.itemId, qty_shipped: l.qty }))).returningAll().execute();
    try {
      for (const l of lines) {
        await moveStock(trx, ctx, [
          { itemId: l.item_id, locationId: input.fromLocationId, bucket: 'on_hand', delta: -l.qty_shipped, reason: 'transfer out', docType: 'transfer', docId: transfer.id },
          { itemId: l.item_id, locationId: input.transitLocationId, bucket: 'on_hand', delta: l.qty_shipped, reason: 'transfer in transit', docType: 'transfer', docId: transfer.id },
        ]);
      }
    } catch (error) {
      if ((error as { code?: string }).code === '23514' || (error as { code?: string }).code === '23503') throw new AppError('rule_violation', 'Not enough free stock at the source for this transfer.');
      throw error;
    }
    const view = transferView(transfer, lines);
    await recordChange(trx, ctx, { event: 'transfer.shipped', entityType: 'transfer', entityId: transfer.id, after: view });
    return view;
  });
}

export const transferView = (
  t: { id: string; from_location_id: string; to_location_id: string; transit_location_id: string; status: string },
  lines: Array<{ id: string; item_id: string; qty_shipped: number; qty_received: number }>,
) => ({
  id: t.id,
  fromLocationId: t.from_location_id,
  toLocationId: t.to_location_id,
  transitLocationId: t.transit_location_id,
  status: t.status,
  lines: lines.map((l) => ({ id: l.id, itemId: l.item_id, qtyShipped: l.qty_shipped, qtyReceived: l.qty_received })),
});
