import { parse } from 'csv-parse/sync';
import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type HistoricalLine, type RowError, parseSuperstore, segmentKind } from '../core/superstore.js';

export type ImportSummary = { orders: number; lines: number; channels: number; locations: number; items: number; customers: number; errors: RowError[]; dryRun: boolean };

const code = (prefix: string, name: string) => `${prefix}-${name.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`;

/**
 * Imports closed historical orders from a Superstore-shaped CSV: segments become channels, regions
 * locations, products items, customers accounts; each order is closed with its milestones (released on the
 * order date, shipped on the ship date) and one posted invoice whose cost is sales − profit. History does
 * not move today's stock. Rows with errors are reported and skipped; a dry run writes nothing.
 */
export async function importHistoricalOrders(ctx: UseCaseContext, csv: string, options: { dryRun?: boolean } = {}): Promise<ImportSummary> {
  assertCan(ctx.actor, 'order.configure');
  const records = parse(csv, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: true }) as Array<Record<string, string>>;
  const { lines, errors } = parseSuperstore(records);
  const orders = new Map<string, HistoricalLine[]>();
  for (const l of lines) orders.set(l.orderId, [...(orders.get(l.orderId) ?? []), l]);
  const distinct = (pick: (l: HistoricalLine) => string) => new Set(lines.map(pick));
  const summary: ImportSummary = {
    orders: orders.size,
    lines: lines.length,
    channels: distinct((l) => l.segment).size,
    locations: distinct((l) => l.region).size,
    items: distinct((l) => l.productId).size,
    customers: distinct((l) => l.customerId).size,
    errors,
    dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return summary;
  await inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const locations = await upsertBy(trx, 'locations', [...distinct((l) => l.region)].map((region) => ({ code: code('REG', region), name: `${region} region`, kind: 'warehouse' as const, region, created_at: now })));
    const channelIds = new Map<string, string>();
    for (const segment of distinct((l) => l.segment)) {
      const c = code('SEG', segment);
      let row = await trx.selectFrom('channels').select('id').where('code', '=', c).executeTakeFirst();
      if (!row) {
        row = await trx.insertInto('channels').values({ code: c, name: segment, kind: segmentKind(segment), invoice_policy: 'on_shipment', created_at: now }).returning('id').executeTakeFirstOrThrow();
        const regions = [...locations.values()];
        await trx.insertInto('channel_locations').values(regions.map((locationId, position) => ({ channel_id: row!.id, location_id: locationId, position }))).execute();
      }
      channelIds.set(segment, row.id);
    }
    const firstOf = new Map<string, HistoricalLine>();
    for (const l of lines) if (!firstOf.has(l.productId)) firstOf.set(l.productId, l);
    const items = await upsertBy(
      trx,
      'items',
      [...firstOf.values()].map((l) => ({ sku: l.productId, name: l.productName || l.productId, specs: '{}', unit_cost_minor: Math.round(l.costMinor / l.qty), created_at: now })),
    );
    const accounts = new Map<string, string>();
    const customers = [...new Map(lines.map((l) => [l.customerId, l])).values()];
    for (let i = 0; i < customers.length; i += 500) {
      const chunk = customers.slice(i, i + 500);
      const rows = await trx
        .insertInto('accounts')
        .values(chunk.map((l) => ({ name: l.customerName, region: l.region, segment: l.segment, attributes: JSON.stringify({ superstoreCustomerId: l.customerId }), created_at: now, updated_at: now })))
        .returning('id')
        .execute();
      chunk.forEach((l, k) => accounts.set(l.customerId, rows[k]!.id));
    }
    const workflow = await trx.selectFrom('workflow_definitions').selectAll().where('status', '=', 'active').executeTakeFirstOrThrow();
    const entries = [...orders.entries()];
    for (let i = 0; i < entries.length; i += 500) {
      const chunk = entries.slice(i, i + 500);
      const created = await trx
        .insertInto('sales_orders')
        .values(
          chunk.map(([, ls]) => ({
            channel_id: channelIds.get(ls[0]!.segment)!,
            account_id: accounts.get(ls[0]!.customerId)!,
            region: ls[0]!.region,
            currency: 'USD',
            lifecycle: 'closed' as const,
            payment_status: 'paid' as const,
            invoice_policy: 'on_shipment' as const,
            tax_rate_bp: 0,
            workflow_version: workflow.version,
            gates: JSON.stringify(workflow.gates),
            created_at: ls[0]!.orderDate,
            released_at: ls[0]!.orderDate,
            shipped_at: ls[0]!.shipDate,
            closed_at: ls[0]!.shipDate,
          })),
        )
        .returning(['id', 'channel_id'])
        .execute();
      const lineRows = chunk.flatMap(([, ls], k) =>
        ls.map((l, n) => ({
          order_id: created[k]!.id,
          line_no: n + 1,
          item_id: items.get(l.productId)!,
          unit_price_minor: Math.round(l.netMinor / l.qty),
          unit_cost_minor: Math.round(l.costMinor / l.qty),
          qty_ordered: l.qty,
          qty_shipped: l.qty,
          qty_invoiced: l.qty,
        })),
      );
      const insertedLines = await trx.insertInto('order_lines').values(lineRows).returning(['id', 'order_id', 'line_no']).execute();
      await trx
        .insertInto('order_events')
        .values(
          chunk.flatMap(([, ls], k) => [
            { order_id: created[k]!.id, channel_id: created[k]!.channel_id, type: 'submitted', at: ls[0]!.orderDate },
            { order_id: created[k]!.id, channel_id: created[k]!.channel_id, type: 'released', at: ls[0]!.orderDate },
            { order_id: created[k]!.id, channel_id: created[k]!.channel_id, type: 'shipped', at: ls[0]!.shipDate },
            { order_id: created[k]!.id, channel_id: created[k]!.channel_id, type: 'invoiced', at: ls[0]!.shipDate },
            { order_id: created[k]!.id, channel_id: created[k]!.channel_id, type: 'closed', at: ls[0]!.shipDate },
          ]),
        )
        .execute();
      const invoices = await trx
        .insertInto('invoices')
        .values(
          chunk.map(([, ls], k) => {
            const net = ls.reduce((a, l) => a + l.netMinor, 0);
            return { order_id: created[k]!.id, status: 'posted' as const, net_minor: net, tax_minor: 0, total_minor: net, currency: 'USD', posted_at: ls[0]!.shipDate };
          }),
        )
        .returning(['id', 'order_id'])
        .execute();
      const invoiceOf = new Map(invoices.map((inv) => [inv.order_id, inv.id]));
      const lineId = new Map(insertedLines.map((l) => [`${l.order_id}|${l.line_no}`, l.id]));
      await trx
        .insertInto('invoice_lines')
        .values(
          chunk.flatMap(([, ls], k) =>
            ls.map((l, n) => ({ invoice_id: invoiceOf.get(created[k]!.id)!, order_line_id: lineId.get(`${created[k]!.id}|${n + 1}`)!, qty: l.qty, net_minor: l.netMinor, cost_minor: l.costMinor })),
          ),
        )
        .execute();
    }
    await recordChange(trx, ctx, { event: 'order.created', entityType: 'order_import', entityId: `import-${now.toISOString()}`, reason: 'historical import', after: { ...summary, errors: errors.length } });
  });
  return summary;
}

/** Inserts the rows whose unique key (code or sku) is new and returns key → id for all of them. */
async function upsertBy<T extends 'locations' | 'items'>(trx: Trx, table: T, rows: Array<T extends 'locations' ? { code: string; name: string; kind: 'warehouse'; region: string; created_at: Date } : { sku: string; name: string; specs: string; unit_cost_minor: number; created_at: Date }>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const key = table === 'locations' ? 'code' : 'sku';
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500) as Array<Record<string, unknown>>;
    const inserted = await trx
      .insertInto(table as 'items')
      .values(chunk as never)
      .onConflict((oc) => oc.column(key as 'sku').doNothing())
      .execute();
    void inserted;
    const keys = chunk.map((r) => String(r[key]));
    const found = table === 'locations' ? await trx.selectFrom('locations').select(['id', 'code as k']).where('code', 'in', keys).execute() : await trx.selectFrom('items').select(['id', 'sku as k']).where('sku', 'in', keys).execute();
    for (const f of found) out.set(f.k, f.id);
  }
  return out;
}
