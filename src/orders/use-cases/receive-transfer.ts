import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { ReceiveTransferInput } from '../schemas.js';
import { moveStock } from '../store.js';
import { transferView } from './ship-transfer.js';

/** Receives a transfer: in transit → destination on hand, never more than shipped. */
export async function receiveTransfer(ctx: UseCaseContext, transferId: string, input: ReceiveTransferInput) {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    const t = await trx.selectFrom('transfers').selectAll().where('id', '=', transferId).forUpdate().executeTakeFirst();
    if (!t) throw notFound('transfer');
    if (t.status === 'received') throw new AppError('conflict', 'This transfer is fully received.');
    const lines = new Map((await trx.selectFrom('transfer_lines').selectAll().where('transfer_id', '=', t.id).forUpdate().execute()).map((l) => [l.id, l]));
    const seen = new Set<string>();
    for (const [i, r] of input.lines.entries()) {
      const line = lines.get(r.lineId);
      if (!line) throw invalidField(`lines[${i}].lineId`, 'no such line on this transfer');
      if (seen.has(line.id)) throw invalidField(`lines[${i}].lineId`, 'listed twice');
      seen.add(line.id);
      if (r.qty > line.qty_shipped - line.qty_received) throw invalidField(`lines[${i}].qty`, `only ${line.qty_shipped - line.qty_received} units are in transit`);
      await moveStock(trx, ctx, [
        { itemId: line.item_id, locationId: t.transit_location_id, bucket: 'on_hand', delta: -r.qty, reason: 'transfer received', docType: 'transfer', docId: t.id },
        { itemId: line.item_id, locationId: t.to_location_id, bucket: 'on_hand', delta: r.qty, reason: 'transfer received', docType: 'transfer', docId: t.id },
      ]);
      await trx.updateTable('transfer_lines').set((eb) => ({ qty_received: eb('qty_received', '+', r.qty) })).where('id', '=', line.id).execute();
    }
    const after = await trx.selectFrom('transfer_lines').selectAll().where('transfer_id', '=', t.id).execute();
    const status = after.every((l) => l.qty_received === l.qty_shipped) ? ('received' as const) : ('partially_received' as const);
    const updated = await trx.updateTable('transfers').set({ status }).where('id', '=', t.id).returningAll().executeTakeFirstOrThrow();
    const view = transferView(updated, after);
    await recordChange(trx, ctx, { event: 'transfer.received', entityType: 'transfer', entityId: t.id, after: view });
    return view;
  });
}
