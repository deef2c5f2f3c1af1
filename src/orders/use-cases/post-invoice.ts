import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { bpOf, documentTotals } from '../core/money.js';
import { type InvoicePolicy, canClose, invoiceableQty } from '../core/quantities.js';
import { crossControlPoint, gateFailure } from '../crossing.js';
import type { CreateInvoiceInput } from '../schemas.js';
import { bumpOrderVersion, linesOf, lockLines, lockOrder, orderEvent, quantitiesOf } from '../store.js';

/**
 * INVOICE_GENERATION: invoices what the order's policy allows (ordered − cancelled − invoiced, or shipped −
 * invoiced), snapshots cost, accrues the best rebate per line, and closes the order when nothing is left.
 */
export async function postInvoice(ctx: UseCaseContext, input: CreateInvoiceInput, expectedOrderVersion?: number) {
  assertCan(ctx.actor, 'invoice.post');
  const result = await inTransaction(ctx, async (trx) => {
    const order = await lockOrder(trx, input.orderId);
    if (!order) throw notFound('order');
    if (expectedOrderVersion !== undefined) assertVersion(order.version, expectedOrderVersion);
    if (order.lifecycle !== 'released') throw new AppError('conflict', `A ${order.lifecycle} order cannot be invoiced.`);
    const lines = await lockLines(trx, order.id);
    let scope: Map<string, number> | null = null;
    if (input.shipmentId) {
      const shipment = await trx.selectFrom('shipments').selectAll().where('id', '=', input.shipmentId).where('order_id', '=', order.id).executeTakeFirst();
      if (!shipment) throw notFound('shipment');
      if (shipment.status !== 'confirmed') throw new AppError('conflict', 'Only a confirmed shipment can be invoiced.');
      const sl = await trx.selectFrom('shipment_lines').select(['order_line_id', 'qty']).where('shipment_id', '=', shipment.id).execute();
      scope = new Map<string, number>();
      for (const l of sl) scope.set(l.order_line_id, (scope.get(l.order_line_id) ?? 0) + l.qty);
    }
    const policy = order.invoice_policy as InvoicePolicy;
    const billable = lines
      .map((l) => ({ line: l, qty: Math.min(invoiceableQty(quantitiesOf(l), policy), scope ? (scope.get(l.id) ?? 0) : Number.MAX_SAFE_INTEGER) }))
      .filter((b) => b.qty > 0);
    if (billable.length === 0) {
      throw new AppError('rule_violation', policy === 'on_shipment' ? 'Nothing to invoice: this order invoices on shipment; confirm a shipment first.' : 'Nothing left to invoice on this order.');
    }
    const crossing = await crossControlPoint(trx, ctx, order, 'INVOICE_GENERATION', { type: 'sales_order', id: order.id });
    if (!crossing.passed) return { failed: crossing.detail };
    const now = ctx.clock.now();
    const terms = await trx.selectFrom('customer_terms').select('tier').where('account_id', '=', order.account_id).executeTakeFirst();
    const rebate = await sql<{ id: string; rate_bp: number }>`
      select id, rate_bp from rebate_programs
      where (account_id = ${order.account_id} or (account_id is null and tier = ${terms?.tier ?? null}))
        and valid_from <= ${now} and (valid_to is null or valid_to > ${now})
      order by (account_id is not null) desc, rate_bp desc limit 1`.execute(trx);
    const program = rebate.rows[0] ?? null;
    const priced = billable.map((b) => {
      const net = b.qty * Number(b.line.unit_price_minor);
      return { orderLineId: b.line.id, qty: b.qty, netMinor: net, costMinor: b.qty * Number(b.line.unit_cost_minor), rebateMinor: program ? bpOf(net, program.rate_bp) : 0 };
    });
    const totals = documentTotals(priced, order.tax_rate_bp);
    const invoice = await trx
      .insertInto('invoices')
      .values({ order_id: order.id, shipment_id: input.shipmentId ?? null, status: 'posted', net_minor: totals.netMinor, tax_minor: totals.taxMinor, total_minor: totals.totalMinor, currency: order.currency, posted_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('invoice_lines')
      .values(priced.map((p) => ({ invoice_id: invoice.id, order_line_id: p.orderLineId, qty: p.qty, net_minor: p.netMinor, cost_minor: p.costMinor, rebate_minor: p.rebateMinor, rebate_program_id: program?.id ?? null })))
      .execute();
    for (const p of priced) await trx.updateTable('order_lines').set((eb) => ({ qty_invoiced: eb('qty_invoiced', '+', p.qty) })).where('id', '=', p.orderLineId).execute();
    await orderEvent(trx, ctx, order, 'invoiced', invoice.id);
    const after = (await linesOf(trx, order.id)).map(quantitiesOf);
    if (canClose(after, policy)) {
      await trx.updateTable('sales_orders').set({ lifecycle: 'closed', closed_at: now }).where('id', '=', order.id).execute();
      await orderEvent(trx, ctx, order, 'closed');
    }
    await bumpOrderVersion(trx, order.id);
    const view = { id: invoice.id, orderId: order.id, shipmentId: invoice.shipment_id, status: invoice.status, currency: invoice.currency, ...totals, postedAt: now.toISOString(), lines: priced, decisionId: crossing.decisionId };
    await recordChange(trx, ctx, { event: 'invoice.posted', entityType: 'invoice', entityId: invoice.id, after: view });
    return { view };
  });
  if ('failed' in result) throw gateFailure('INVOICE_GENERATION', result.failed!);
  return result.view;
}
