import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { bpOf } from '../core/money.js';
import { creditableQty } from '../core/quantities.js';
import { crossControlPoint, gateFailure } from '../crossing.js';
import type { CreateCreditMemoInput } from '../schemas.js';
import { bumpOrderVersion, lockLines, lockOrder, orderEvent, quantitiesOf } from '../store.js';

/**
 * CREDIT_MEMO. Goods credits come only from received, invoiced, not yet credited units of the named return.
 * Price credits need a reason code and the stricter credit.price permission, and never take a line's credited
 * amount above what was invoiced for it.
 */
export async function postCreditMemo(ctx: UseCaseContext, input: CreateCreditMemoInput, expectedOrderVersion?: number) {
  assertCan(ctx.actor, input.kind === 'goods' ? 'credit.goods' : 'credit.price');
  const result = await inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, input.orderId);
    if (!order) throw notFound('order');
    if (expectedOrderVersion !== undefined) assertVersion(order.version, expectedOrderVersion);
    const lines = new Map((await lockLines(trx, order.id)).map((l) => [l.id, l]));
    const now = ctx.clock.now();
    const memoLines: Array<{ orderLineId: string; qty: number; netMinor: number }> = [];
    if (input.kind === 'goods') {
      const ra = await trx.selectFrom('return_authorizations').selectAll().where('id', '=', input.returnId).where('order_id', '=', order.id).forUpdate().executeTakeFirst();
      if (!ra) throw invalidField('returnId', 'no such return on this order');
      const received = await trx.selectFrom('return_lines').select(['order_line_id', 'qty_received']).where('return_id', '=', ra.id).execute();
      const credited = await trx
        .selectFrom('credit_memo_lines')
        .innerJoin('credit_memos', 'credit_memos.id', 'credit_memo_lines.credit_memo_id')
        .select(['order_line_id', (eb) => eb.fn.sum<string>('qty').as('qty')])
        .where('credit_memos.return_id', '=', ra.id)
        .groupBy('order_line_id')
        .execute();
      const asked = new Map<string, number>();
      input.lines.forEach((l, i) => {
        const line = lines.get(l.orderLineId);
        if (!line) throw invalidField(`lines[${i}].orderLineId`, 'no such line on this order');
        const total = (asked.get(l.orderLineId) ?? 0) + l.qty;
        const fromReturn = received.filter((r) => r.order_line_id === l.orderLineId).reduce((a, r) => a + r.qty_received, 0) - Number(credited.find((c) => c.order_line_id === l.orderLineId)?.qty ?? 0);
        const allowed = Math.min(fromReturn, creditableQty(quantitiesOf(line)));
        if (total > allowed) throw invalidField(`lines[${i}].qty`, `only ${allowed} received and invoiced units can be credited`);
        asked.set(l.orderLineId, total);
      });
      for (const [lineId, qty] of asked) memoLines.push({ orderLineId: lineId, qty, netMinor: qty * Number(lines.get(lineId)!.unit_price_minor) });
    } else {
      const invoicedNet = await sql<{ order_line_id: string; net: string }>`select il.order_line_id, sum(il.net_minor) as net from invoice_lines il join invoices i on i.id = il.invoice_id where i.order_id = ${order.id} and i.status = 'posted' group by il.order_line_id`.execute(trx);
      const creditedNet = await sql<{ order_line_id: string; net: string }>`select order_line_id, sum(cl.net_minor) as net from credit_memo_lines cl join credit_memos c on c.id = cl.credit_memo_id where c.order_id = ${order.id} group by order_line_id`.execute(trx);
      const asked = new Map<string, number>();
      input.lines.forEach((l, i) => {
        if (!lines.has(l.orderLineId)) throw invalidField(`lines[${i}].orderLineId`, 'no such line on this order');
        const total = (asked.get(l.orderLineId) ?? 0) + l.amountMinor;
        const room = Number(invoicedNet.rows.find((r) => r.order_line_id === l.orderLineId)?.net ?? 0) - Number(creditedNet.rows.find((r) => r.order_line_id === l.orderLineId)?.net ?? 0);
        if (total > room) throw invalidField(`lines[${i}].amountMinor`, `only ${room} of invoiced value is left to credit on this line`);
        asked.set(l.orderLineId, total);
      });
      for (const [lineId, amount] of asked) memoLines.push({ orderLineId: lineId, qty: 0, netMinor: amount });
    }
    if (memoLines.length === 0) throw new AppError('rule_violation', 'Nothing to credit.');
    const net = memoLines.reduce((a, l) => a + l.netMinor, 0);
    const tax = bpOf(net, order.tax_rate_bp);
    const memo = await trx
      .insertInto('credit_memos')
      .values({ order_id: order.id, return_id: input.kind === 'goods' ? input.returnId : null, kind: input.kind, reason_code: input.kind === 'price' ? input.reasonCode : null, status: 'posted', net_minor: net, tax_minor: tax, total_minor: net + tax, posted_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    const crossing = await crossControlPoint(trx, ctx, order, 'CREDIT_MEMO', { type: 'credit_memo', id: memo.id });
    if (!crossing.passed) {
      await trx.updateTable('credit_memos').set({ status: 'void' }).where('id', '=', memo.id).execute();
      return { failed: crossing.detail };
    }
    await trx.insertInto('credit_memo_lines').values(memoLines.map((l) => ({ credit_memo_id: memo.id, order_line_id: l.orderLineId, qty: l.qty, net_minor: l.netMinor }))).execute();
    for (const l of memoLines) if (l.qty > 0) await trx.updateTable('order_lines').set((eb) => ({ qty_credited: eb('qty_credited', '+', l.qty) })).where('id', '=', l.orderLineId).execute();
    if (input.kind === 'goods') await trx.updateTable('return_authorizations').set({ credited_at: now }).where('id', '=', input.returnId).execute();
    await orderEvent(trx, ctx, order, 'credited', memo.id);
    await bumpOrderVersion(trx, order.id);
    const view = { id: memo.id, orderId: order.id, returnId: memo.return_id, kind: memo.kind, reasonCode: memo.reason_code, status: memo.status, netMinor: net, taxMinor: tax, totalMinor: net + tax, lines: memoLines, decisionId: crossing.decisionId };
    await recordChange(trx, ctx, { event: 'credit_memo.posted', entityType: 'credit_memo', entityId: memo.id, reason: memo.reason_code, after: view });
    return { view };
  });
  if ('failed' in result) throw gateFailure('CREDIT_MEMO', result.failed!);
  return result.view;
}
