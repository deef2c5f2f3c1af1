import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { returnableQty } from '../core/quantities.js';
import { crossControlPoint, gateFailure } from '../crossing.js';
import type { CreateReturnInput } from '../schemas.js';
import { bumpOrderVersion, lockLines, lockOrder, orderEvent, quantitiesOf } from '../store.js';

/** RETURN_AUTHORIZATION: only shipped, not yet authorized units; goods come back to the named location. */
export async function authorizeReturn(ctx: UseCaseContext, input: CreateReturnInput, expectedOrderVersion?: number) {
  assertCan(ctx.actor, 'return.manage');
  const result = await inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, input.orderId);
    if (!order) throw notFound('order');
    if (expectedOrderVersion !== undefined) assertVersion(order.version, expectedOrderVersion);
    if (order.lifecycle !== 'released' && order.lifecycle !== 'closed') throw new AppError('conflict', `A ${order.lifecycle} order has nothing to return.`);
    const location = await trx.selectFrom('locations').select(['id', 'kind']).where('id', '=', input.locationId).executeTakeFirst();
    if (!location || location.kind === 'in_transit') throw invalidField('locationId', 'no such receiving location');
    const lines = new Map((await lockLines(trx, order.id)).map((l) => [l.id, l]));
    const asked = new Map<string, number>();
    input.lines.forEach((l, i) => {
      const line = lines.get(l.orderLineId);
      if (!line) throw invalidField(`lines[${i}].orderLineId`, 'no such line on this order');
      const total = (asked.get(l.orderLineId) ?? 0) + l.qty;
      if (total > returnableQty(quantitiesOf(line))) throw invalidField(`lines[${i}].qty`, `only ${returnableQty(quantitiesOf(line))} shipped units are returnable`);
      asked.set(l.orderLineId, total);
    });
    const now = ctx.clock.now();
    const ra = await trx.insertInto('return_authorizations').values({ order_id: order.id, location_id: location.id, reason: input.reason, authorized_at: now }).returningAll().executeTakeFirstOrThrow();
    const crossing = await crossControlPoint(trx, ctx, order, 'RETURN_AUTHORIZATION', { type: 'return', id: ra.id });
    if (!crossing.passed) {
      await trx.updateTable('return_authorizations').set({ status: 'declined' }).where('id', '=', ra.id).execute();
      return { failed: crossing.detail };
    }
    const created = await trx.insertInto('return_lines').values(input.lines.map((l) => ({ return_id: ra.id, order_line_id: l.orderLineId, qty_authorized: l.qty }))).returningAll().execute();
    for (const [lineId, qty] of asked) await trx.updateTable('order_lines').set((eb) => ({ qty_return_authorized: eb('qty_return_authorized', '+', qty) })).where('id', '=', lineId).execute();
    await orderEvent(trx, ctx, order, 'return_authorized', ra.id);
    await bumpOrderVersion(trx, order.id);
    const view = { id: ra.id, orderId: order.id, locationId: ra.location_id, status: ra.status, reason: ra.reason, version: ra.version, lines: created.map((l) => ({ id: l.id, orderLineId: l.order_line_id, qtyAuthorized: l.qty_authorized, qtyReceived: l.qty_received })) };
    await recordChange(trx, ctx, { event: 'return.authorized', entityType: 'return', entityId: ra.id, reason: input.reason, after: view });
    return { view };
  });
  if ('failed' in result) {
    throw gateFailure('RETURN_AUTHORIZATION', result.failed!);
  }
  return result.view;
}
