import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { ReceiveReturnInput } from '../schemas.js';
import { type LedgerMove, lockOrder, moveStock, orderEvent } from '../store.js';

/** Receives returned units: restock → on hand, quarantine → on hand and quarantined, scrap → no stock. */
export async function receiveReturn(ctx: UseCaseContext, returnId: string, expectedVersion: number | undefined, input: ReceiveReturnInput) {
  assertCan(ctx.actor, 'return.manage');
  return inTransaction(ctx, async (trx) => {
    const peek = await trx.selectFrom('return_authorizations').select('order_id').where('id', '=', returnId).executeTakeFirst();
    if (!peek) throw notFound('return');
    const order = (await lockOrder(trx, peek.order_id))!;
    const ra = await trx.selectFrom('return_authorizations').selectAll().where('id', '=', returnId).forUpdate().executeTakeFirstOrThrow();
    if (expectedVersion !== undefined) assertVersion(ra.version, expectedVersion);
    if (ra.status !== 'authorized') throw new AppError('conflict', `This return is ${ra.status}.`);
    const lines = new Map((await trx.selectFrom('return_lines').selectAll().where('return_id', '=', ra.id).forUpdate().execute()).map((l) => [l.id, l]));
    const moves: LedgerMove[] = [];
    const seen = new Set<string>();
    for (const [i, r] of input.lines.entries()) {
      const line = lines.get(r.returnLineId);
      if (!line) throw invalidField(`lines[${i}].returnLineId`, 'no such line on this return');
      if (seen.has(line.id)) throw invalidField(`lines[${i}].returnLineId`, 'listed twice');
      seen.add(line.id);
      const qty = r.restock + r.quarantine + r.scrap;
      if (qty === 0) throw invalidField(`lines[${i}]`, 'receives nothing');
      if (qty > line.qty_authorized - line.qty_received) throw invalidField(`lines[${i}]`, `only ${line.qty_authorized - line.qty_received} units are still expected`);
      const orderLine = await trx.selectFrom('order_lines').select(['item_id']).where('id', '=', line.order_line_id).executeTakeFirstOrThrow();
      if (r.restock + r.quarantine > 0) moves.push({ itemId: orderLine.item_id, locationId: ra.location_id, bucket: 'on_hand', delta: r.restock + r.quarantine, reason: 'return receipt', docType: 'return', docId: ra.id });
      if (r.quarantine > 0) moves.push({ itemId: orderLine.item_id, locationId: ra.location_id, bucket: 'quarantined', delta: r.quarantine, reason: 'return quarantine', docType: 'return', docId: ra.id });
      await trx
        .updateTable('return_lines')
        .set((eb) => ({ qty_received: eb('qty_received', '+', qty), qty_restocked: eb('qty_restocked', '+', r.restock), qty_quarantined: eb('qty_quarantined', '+', r.quarantine), qty_scrapped: eb('qty_scrapped', '+', r.scrap) }))
        .where('id', '=', line.id)
        .execute();
      await trx.updateTable('order_lines').set((eb) => ({ qty_return_received: eb('qty_return_received', '+', qty) })).where('id', '=', line.order_line_id).execute();
    }
    // on_hand before quarantined, per level, so the no-oversell CHECK holds after every statement.
    await moveStock(trx, ctx, moves.filter((m) => m.bucket === 'on_hand'));
    await moveStock(trx, ctx, moves.filter((m) => m.bucket === 'quarantined'));
    const after = await trx.selectFrom('return_lines').selectAll().where('return_id', '=', ra.id).execute();
    const done = after.every((l) => l.qty_received === l.qty_authorized);
    const now = ctx.clock.now();
    await trx.updateTable('return_authorizations').set((eb) => ({ version: eb('version', '+', 1), ...(done && { status: 'received' as const, received_at: now }) })).where('id', '=', ra.id).execute();
    await orderEvent(trx, ctx, order, done ? 'return_received' : 'return_partially_received', ra.id);
    const view = { id: ra.id, orderId: order.id, locationId: ra.location_id, status: done ? 'received' : ra.status, reason: ra.reason, version: ra.version + 1, lines: after.map((l) => ({ id: l.id, orderLineId: l.order_line_id, qtyAuthorized: l.qty_authorized, qtyReceived: l.qty_received })) };
    await recordChange(trx, ctx, { event: 'return.received', entityType: 'return', entityId: ra.id, after: view });
    return view;
  });
}
