import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { GateType } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { decide } from '../core/gates.js';
import { bpOf, marginBp } from '../core/money.js';
import { unallocatedQty } from '../core/quantities.js';
import { getOrderIn } from '../read-order.js';
import { bumpOrderVersion, findChannel, gatesOfOrder, routeIfPublished, lockLines, lockOrder, openException, orderEvent, quantitiesOf, writeDecision } from '../store.js';
import type { OrderView } from '../views.js';

export type ReleaseResult = { order: OrderView; decision: { id: string; outcome: string; rules: unknown } };

/**
 * ORDER_RELEASE: evaluates the gates the order was pinned to. Failed gates put a typed hold on the order (one
 * per gate, released one by one) and open an exception case; a gate whose hold was released counts as waived,
 * so the crossing is recorded as an override rather than a pass.
 */
export async function releaseOrder(ctx: UseCaseContext, orderId: string, expectedVersion?: number): Promise<ReleaseResult> {
  assertCan(ctx.actor, 'order.release');
  return inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('order');
    if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
    if (order.lifecycle !== 'submitted') throw new AppError('conflict', `A ${order.lifecycle} order cannot be released.`);
    const lines = await lockLines(trx, order.id);
    const terms = await trx.selectFrom('customer_terms').selectAll().where('account_id', '=', order.account_id).executeTakeFirst();
    const net = lines.reduce((acc, l) => acc + (l.qty_ordered - l.qty_cancelled) * Number(l.unit_price_minor), 0);
    const exposure = await sql<{ total: string | null }>`
      select sum((l.qty_ordered - l.qty_cancelled - l.qty_invoiced) * l.unit_price_minor) as total
      from order_lines l join sales_orders o on o.id = l.order_id
      where o.account_id = ${order.account_id} and o.id <> ${order.id} and o.lifecycle = 'released' and o.payment_status <> 'paid'`.execute(trx);
    const facts = {
      creditLimitMinor: Number(terms?.credit_limit_minor ?? 0),
      exposureMinor: Number(exposure.rows[0]?.total ?? 0),
      orderTotalMinor: order.payment_status === 'paid' ? 0 : net + bpOf(net, order.tax_rate_bp),
      marginBp: marginBp(lines.map((l) => ({ qty: l.qty_ordered - l.qty_cancelled, unitPriceMinor: Number(l.unit_price_minor), unitCostMinor: Number(l.unit_cost_minor) }))),
      paymentStatus: order.payment_status,
      paymentTerms: terms?.payment_terms ?? 'prepaid',
      fullyAllocated: lines.every((l) => unallocatedQty(quantitiesOf(l)) === 0),
    };
    const holds = await trx.selectFrom('holds').selectAll().where('order_id', '=', order.id).where('control_point', '=', 'ORDER_RELEASE').execute();
    const waived = new Set(holds.filter((h) => h.released_at !== null).map((h) => h.type));
    const verdict = decide(gatesOfOrder(order).ORDER_RELEASE ?? [], facts, waived);
    const decision = await writeDecision(trx, ctx, { controlPoint: 'ORDER_RELEASE', subjectType: 'sales_order', subjectId: order.id, order, outcome: verdict.outcome, rules: verdict.results });
    if (verdict.outcome === 'hold') {
      const open = new Set(holds.filter((h) => h.released_at === null).map((h) => h.type));
      for (const failed of verdict.failed) {
        if (open.has(failed.type)) continue;
        await trx.insertInto('holds').values({ order_id: order.id, control_point: 'ORDER_RELEASE', type: failed.type as GateType, reason: failed.detail, decision_id: decision.id, opened_at: ctx.clock.now() }).execute();
        await openException(trx, ctx, { controlPoint: 'ORDER_RELEASE', category: failed.type, subjectType: 'sales_order', subjectId: order.id, orderId: order.id, channelId: order.channel_id, detail: failed.detail });
        await orderEvent(trx, ctx, order, 'hold_opened', decision.id);
      }
    } else {
      await trx.updateTable('sales_orders').set({ lifecycle: 'released', released_at: ctx.clock.now() }).where('id', '=', order.id).execute();
      await orderEvent(trx, ctx, order, 'released', decision.id);
      const channel = await findChannel(trx, order.channel_id);
      await routeIfPublished(trx, ctx, 'sales_order', order.id, {
        id: order.id,
        title: `Order ${order.number}`,
        channelId: order.channel_id,
        channelKind: channel?.kind ?? null,
        channelCode: channel?.code ?? null,
        region: order.region,
        totalMinor: net,
      });
    }
    await bumpOrderVersion(trx, order.id);
    await recordChange(trx, ctx, { event: 'order.release_decided', entityType: 'sales_order', entityId: order.id, after: { outcome: verdict.outcome, failed: verdict.failed.map((f) => f.type) } });
    return { order: await getOrderIn(trx, order.id), decision: { id: decision.id, outcome: decision.outcome, rules: verdict.results } };
  });
}
