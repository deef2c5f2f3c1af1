import type { Selectable } from 'kysely';
import type { CreditMemoTable, Executor, PurchaseOrderTable, ReturnAuthorizationTable, TransferTable } from '../platform/db/database.js';

const HOUR = 3_600_000;
const iso = (d: Date | null) => d?.toISOString() ?? null;
const group = <T, K>(rows: T[], key: (row: T) => K) => {
  const out = new Map<K, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
};

/** Returns with their lines (authorized, received and how, credited from this return) and turnaround. */
export async function returnViews(db: Executor, rows: Array<Selectable<ReturnAuthorizationTable>>) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [orders, lines, credited] = await Promise.all([
    db
      .selectFrom('sales_orders')
      .select(['id', 'number', 'channel_id'])
      .where('id', 'in', [...new Set(rows.map((r) => r.order_id))])
      .execute(),
    db
      .selectFrom('return_lines')
      .innerJoin('order_lines', 'order_lines.id', 'return_lines.order_line_id')
      .innerJoin('items', 'items.id', 'order_lines.item_id')
      .selectAll('return_lines')
      .select(['order_lines.item_id', 'order_lines.line_no', 'items.sku'])
      .where('return_lines.return_id', 'in', ids)
      .orderBy('order_lines.line_no')
      .execute(),
    db
      .selectFrom('credit_memo_lines')
      .innerJoin('credit_memos', 'credit_memos.id', 'credit_memo_lines.credit_memo_id')
      .select(['credit_memos.return_id', 'credit_memo_lines.order_line_id', (eb) => eb.fn.sum<string>('credit_memo_lines.qty').as('qty')])
      .where('credit_memos.return_id', 'in', ids)
      .where('credit_memos.status', '=', 'posted')
      .groupBy(['credit_memos.return_id', 'credit_memo_lines.order_line_id'])
      .execute(),
  ]);
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const linesByReturn = group(lines, (l) => l.return_id);
  return rows.map((r) => {
    const order = orderById.get(r.order_id)!;
    return {
      id: r.id,
      orderId: r.order_id,
      orderNumber: Number(order.number),
      channelId: order.channel_id,
      locationId: r.location_id,
      status: r.status,
      reason: r.reason,
      authorizedAt: r.authorized_at.toISOString(),
      receivedAt: iso(r.received_at),
      creditedAt: iso(r.credited_at),
      turnaroundHours: r.credited_at ? Math.round(((r.credited_at.getTime() - r.authorized_at.getTime()) / HOUR) * 100) / 100 : null,
      version: r.version,
      lines: (linesByReturn.get(r.id) ?? []).map((l) => ({
        id: l.id,
        orderLineId: l.order_line_id,
        lineNo: l.line_no,
        itemId: l.item_id,
        sku: l.sku,
        qtyAuthorized: l.qty_authorized,
        qtyReceived: l.qty_received,
        qtyRestocked: l.qty_restocked,
        qtyQuarantined: l.qty_quarantined,
        qtyScrapped: l.qty_scrapped,
        qtyCredited: Number(credited.find((c) => c.return_id === r.id && c.order_line_id === l.order_line_id)?.qty ?? 0),
      })),
    };
  });
}
export type ReturnView = Awaited<ReturnType<typeof returnViews>>[number];

export async function creditMemoViews(db: Executor, rows: Array<Selectable<CreditMemoTable>>) {
  if (rows.length === 0) return [];
  const [orders, lines] = await Promise.all([
    db
      .selectFrom('sales_orders')
      .select(['id', 'number', 'channel_id'])
      .where('id', 'in', [...new Set(rows.map((r) => r.order_id))])
      .execute(),
    db
      .selectFrom('credit_memo_lines')
      .selectAll()
      .where(
        'credit_memo_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('id')
      .execute(),
  ]);
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const linesByMemo = group(lines, (l) => l.credit_memo_id);
  return rows.map((c) => ({
    id: c.id,
    orderId: c.order_id,
    orderNumber: Number(orderById.get(c.order_id)!.number),
    channelId: orderById.get(c.order_id)!.channel_id,
    returnId: c.return_id,
    kind: c.kind,
    reasonCode: c.reason_code,
    status: c.status,
    netMinor: Number(c.net_minor),
    taxMinor: Number(c.tax_minor),
    totalMinor: Number(c.total_minor),
    postedAt: c.posted_at.toISOString(),
    lines: (linesByMemo.get(c.id) ?? []).map((l) => ({ orderLineId: l.order_line_id, qty: l.qty, netMinor: Number(l.net_minor) })),
  }));
}

export async function purchaseOrderViews(db: Executor, rows: Array<Selectable<PurchaseOrderTable>>) {
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('purchase_order_lines')
    .innerJoin('items', 'items.id', 'purchase_order_lines.item_id')
    .selectAll('purchase_order_lines')
    .select('items.sku')
    .where(
      'purchase_order_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('items.sku')
    .execute();
  const byPo = group(lines, (l) => l.purchase_order_id);
  return rows.map((po) => ({
    id: po.id,
    supplier: po.supplier,
    locationId: po.location_id,
    status: po.status,
    totalMinor: Number(po.total_minor),
    createdBy: po.created_by,
    approvedBy: po.approved_by,
    createdAt: po.created_at.toISOString(),
    version: po.version,
    lines: (byPo.get(po.id) ?? []).map((l) => ({
      id: l.id,
      itemId: l.item_id,
      sku: l.sku,
      qtyOrdered: l.qty_ordered,
      qtyReceived: l.qty_received,
      unitCostMinor: Number(l.unit_cost_minor),
    })),
  }));
}

export async function transferViews(db: Executor, rows: Array<Selectable<TransferTable>>) {
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('transfer_lines')
    .innerJoin('items', 'items.id', 'transfer_lines.item_id')
    .selectAll('transfer_lines')
    .select('items.sku')
    .where(
      'transfer_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('items.sku')
    .execute();
  const byTransfer = group(lines, (l) => l.transfer_id);
  return rows.map((t) => ({
    id: t.id,
    fromLocationId: t.from_location_id,
    toLocationId: t.to_location_id,
    transitLocationId: t.transit_location_id,
    status: t.status,
    createdAt: t.created_at.toISOString(),
    lines: (byTransfer.get(t.id) ?? []).map((l) => ({
      id: l.id,
      itemId: l.item_id,
      sku: l.sku,
      qtyShipped: l.qty_shipped,
      qtyReceived: l.qty_received,
    })),
  }));
}
