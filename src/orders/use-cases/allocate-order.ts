import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type Shortage, planAllocation } from '../core/allocation.js';
import { evaluateGates } from '../core/gates.js';
import { unallocatedQty } from '../core/quantities.js';
import { getOrderIn } from '../read-order.js';
import { bumpOrderVersion, channelLocationIds, findChannel, gatesOfOrder, lockLines, lockOrder, openException, orderEvent, quantitiesOf, writeDecision } from '../store.js';
import type { OrderView } from '../views.js';

/**
 * INVENTORY_ALLOCATION: every unallocated quantity of the order, split across the channel's locations, all or
 * nothing. Stock rows are locked in (item, location) order so concurrent orders queue instead of deadlocking,
 * and each counter moves by a conditional UPDATE that the no-oversell CHECK backs up. A shortage already
 * visible in committed stock is answered without taking those locks (it was true at that moment), so losers of
 * a race do not queue behind the winners. A shortage commits only the failed decision and its exception case,
 * then answers 422.
 */
export async function allocateOrder(ctx: UseCaseContext, orderId: string, expectedVersion?: number): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  const outcome = await inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!order) throw notFound('order');
    if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
    if (order.lifecycle !== 'submitted' && order.lifecycle !== 'released') throw new AppError('conflict', `A ${order.lifecycle} order cannot be allocated.`);
    const lines = await lockLines(trx, order.id);
    const requests = lines.map((l) => ({ lineId: l.id, itemId: l.item_id, qty: unallocatedQty(quantitiesOf(l)) })).filter((r) => r.qty > 0);
    if (requests.length === 0) throw new AppError('conflict', 'Every line is already allocated or shipped.');
    const channel = (await findChannel(trx, order.channel_id))!;
    const locations = await channelLocationIds(trx, order.channel_id);
    const itemIds = [...new Set(requests.map((r) => r.itemId))];
    // A shortage seen in committed data is already a true answer, so it is refused without queueing on the
    // stock rows; a plan that fits is re-made under the row locks before any counter moves.
    const readLevels = (lock: boolean) => {
      const q = trx.selectFrom('stock_levels').selectAll().where('item_id', 'in', itemIds).where('location_id', 'in', locations).orderBy('item_id').orderBy('location_id');
      return lock ? q.forUpdate().execute() : q.execute();
    };
    const planFor = (levels: Awaited<ReturnType<typeof readLevels>>) =>
      planAllocation(
        requests,
        locations,
        levels.map((l) => ({ itemId: l.item_id, locationId: l.location_id, available: l.on_hand - l.allocated - l.quarantined })),
        channel.allocation_strategy,
      );
    let plan = planFor(await readLevels(false));
    if (plan.shortages.length === 0) plan = planFor(await readLevels(true));
    const gates = gatesOfOrder(order).INVENTORY_ALLOCATION ?? [];
    const terms = await trx.selectFrom('customer_terms').select('payment_terms').where('account_id', '=', order.account_id).executeTakeFirst();
    const facts = { creditLimitMinor: 0, exposureMinor: 0, orderTotalMinor: 0, marginBp: 0, paymentStatus: order.payment_status, paymentTerms: terms?.payment_terms ?? 'prepaid', fullyAllocated: plan.shortages.length === 0 };
    const rules = evaluateGates(gates, facts);
    const refused = rules.filter((r) => !r.passed && r.type !== 'stock_cover');
    if (refused.length > 0) {
      const detail = refused.map((r) => `${r.type}: ${r.detail}`).join('; ');
      const decision = await writeDecision(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', subjectType: 'sales_order', subjectId: order.id, order, outcome: 'fail', rules, reason: detail });
      await openException(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', category: refused[0]!.type, subjectType: 'sales_order', subjectId: order.id, orderId: order.id, channelId: order.channel_id, detail });
      return { shortages: [] as Shortage[], refused: detail, decisionId: decision.id };
    }
    if (plan.shortages.length > 0) {
      const decision = await writeDecision(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', subjectType: 'sales_order', subjectId: order.id, order, outcome: 'fail', rules: [...rules, { shortages: plan.shortages }], reason: 'insufficient stock' });
      await openException(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', category: 'stock_cover', subjectType: 'sales_order', subjectId: order.id, orderId: order.id, channelId: order.channel_id, detail: shortageText(plan.shortages) });
      return { shortages: plan.shortages, decisionId: decision.id };
    }
    const now = ctx.clock.now();
    for (const a of plan.allocations) {
      const updated = await sql`update stock_levels set allocated = allocated + ${a.qty}
                                where item_id = ${a.itemId} and location_id = ${a.locationId} and on_hand - allocated - quarantined >= ${a.qty}`.execute(trx);
      if (Number(updated.numAffectedRows) !== 1) throw new AppError('conflict', 'Stock changed during allocation; try again.');
    }
    await trx.insertInto('allocations').values(plan.allocations.map((a) => ({ order_line_id: a.lineId, item_id: a.itemId, location_id: a.locationId, qty: a.qty, created_at: now }))).execute();
    const perLine = new Map<string, number>();
    for (const a of plan.allocations) perLine.set(a.lineId, (perLine.get(a.lineId) ?? 0) + a.qty);
    for (const [lineId, qty] of perLine) await trx.updateTable('order_lines').set((eb) => ({ qty_allocated: eb('qty_allocated', '+', qty) })).where('id', '=', lineId).execute();
    await writeDecision(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', subjectType: 'sales_order', subjectId: order.id, order, outcome: 'pass', rules: [...rules, { allocations: plan.allocations }] });
    await orderEvent(trx, ctx, order, 'allocated');
    await bumpOrderVersion(trx, order.id);
    await recordChange(trx, ctx, { event: 'order.allocated', entityType: 'sales_order', entityId: order.id, after: { allocations: plan.allocations } });
    return { shortages: [] as Shortage[], view: await getOrderIn(trx, order.id) };
  });
  if ('refused' in outcome && outcome.refused) throw new AppError('rule_violation', `INVENTORY_ALLOCATION gate failed: ${outcome.refused}. An exception case was opened.`);
  if (outcome.shortages.length > 0) {
    throw new AppError(
      'rule_violation',
      `Not enough stock: ${shortageText(outcome.shortages)}. Nothing was allocated.`,
      outcome.shortages.map((s) => ({ path: `lines.${s.lineId}`, message: `short by ${s.short} of ${s.requested}` })),
    );
  }
  return outcome.view!;
}

const shortageText = (shortages: Shortage[]) => shortages.map((s) => `line ${s.lineId.slice(0, 8)} short ${s.short}/${s.requested}`).join(', ');
