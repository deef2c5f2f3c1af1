import type { UseCaseContext } from '../platform/use-case-context.js';
import { adjustStock } from './use-cases/adjust-stock.js';
import { activateVariant } from './use-cases/activate-variant.js';
import { allocateOrder } from './use-cases/allocate-order.js';
import { authorizeReturn } from './use-cases/authorize-return.js';
import { confirmShipment } from './use-cases/confirm-shipment.js';
import { createChannel } from './use-cases/create-channel.js';
import { createItem } from './use-cases/create-item.js';
import { createLocation } from './use-cases/create-location.js';
import { createOrder } from './use-cases/create-order.js';
import { createPriceList } from './use-cases/create-price-list.js';
import { createPurchaseOrder } from './use-cases/create-purchase-order.js';
import { createRebateProgram } from './use-cases/create-rebate-program.js';
import { createShipment } from './use-cases/create-shipment.js';
import { createVariant } from './use-cases/create-variant.js';
import { postCreditMemo } from './use-cases/post-credit-memo.js';
import { postInvoice } from './use-cases/post-invoice.js';
import { receiveReturn } from './use-cases/receive-return.js';
import { recordCycleCount } from './use-cases/record-cycle-count.js';
import { releaseHold } from './use-cases/release-hold.js';
import { releaseOrder } from './use-cases/release-order.js';
import { setCustomerTerms } from './use-cases/set-customer-terms.js';
import { shipTransfer } from './use-cases/ship-transfer.js';

// The CRM sample's products (test/fixtures/crm/products.csv) as the catalog, so won opportunities hand off.
const PRODUCTS = [
  ['GTX Basic', 550],
  ['GTX Pro', 4821],
  ['MG Special', 55],
  ['MG Advanced', 3393],
  ['GTX Plus Pro', 5482],
  ['GTX Plus Basic', 1096],
  ['GTK 500', 26768],
] as const;

const CHANNELS = [
  { code: 'WEB', name: 'Web shop', kind: 'ecommerce', invoicePolicy: 'on_order', locations: ['WH-EAST', 'WH-WEST'] },
  { code: 'WHOLESALE', name: 'Wholesale', kind: 'wholesale', invoicePolicy: 'on_shipment', locations: ['WH-WEST', 'WH-EAST'] },
  { code: 'MARKET', name: 'Marketplace', kind: 'marketplace', invoicePolicy: 'on_order', locations: ['WH-EAST'] },
  { code: 'FIELD', name: 'Field sales', kind: 'field_sales', invoicePolicy: 'on_shipment', locations: ['WH-EAST', 'WH-WEST'] },
  { code: 'PARTNER', name: 'Partner', kind: 'partner', invoicePolicy: 'on_shipment', locations: ['WH-WEST'] },
  { code: 'BRANCH', name: 'Branch counter', kind: 'branch', invoicePolicy: 'on_order', locations: ['BR-CENTRAL', 'WH-EAST'] },
] as const;

export type OrdersDemoSummary = { channels: number; items: number; orders: number };

/**
 * Every channel with live orders at different stages over the last two weeks (so cycle-time KPIs have
 * spread), a credit hold released by finance, a variant holding wholesale orders for approval, a return with
 * its credit memo, a purchase order, a branch transfer and cycle counts.
 */
export async function seedOrdersDemo(base: UseCaseContext): Promise<OrdersDemoSummary> {
  if (await base.db.selectFrom('channels').select('id').limit(1).executeTakeFirst()) return { channels: 0, items: 0, orders: 0 };
  const start = base.clock.now().getTime() - 18 * 86_400_000;
  let at = start;
  const ctx: UseCaseContext = { ...base, clock: { now: () => new Date(at) } };
  const later = (hours: number) => {
    at += hours * 3_600_000;
  };
  const ops = await base.db.selectFrom('users').select('id').where('role', '=', 'ops').where('status', '=', 'active').orderBy('created_at').executeTakeFirst();

  const locations = new Map<string, string>();
  for (const [code, name, kind, region] of [
    ['WH-EAST', 'East warehouse', 'warehouse', 'East'],
    ['WH-WEST', 'West warehouse', 'warehouse', 'West'],
    ['BR-CENTRAL', 'Central branch', 'branch', 'Central'],
    ['TRANSIT', 'In transit', 'in_transit', null],
  ] as const) {
    locations.set(code, (await createLocation(ctx, { code, name, kind, ...(region && { region }) })).id);
  }
  const items = [];
  for (const [name, price] of PRODUCTS) {
    const item = await createItem(ctx, { sku: name, name, specs: { series: name.split(' ')[0] }, unitCostMinor: Math.round(price * 100 * 0.62), currency: 'USD' });
    items.push({ ...item, priceMinor: price * 100 });
    for (const code of ['WH-EAST', 'WH-WEST', 'BR-CENTRAL']) await adjustStock(ctx, { itemId: item.id, locationId: locations.get(code)!, delta: code === 'BR-CENTRAL' ? 6 : 40, reason: 'opening balance' });
  }
  const channels = new Map<string, string>();
  for (const c of CHANNELS) {
    const channel = await createChannel(ctx, {
      code: c.code,
      name: c.name,
      kind: c.kind,
      locationIds: c.locations.map((l) => locations.get(l)!),
      allocationStrategy: 'priority',
      invoicePolicy: c.invoicePolicy,
      taxRateBp: c.kind === 'wholesale' || c.kind === 'partner' ? 0 : 800,
      regionTaxRates: [{ region: 'West', rateBp: 725 }],
      ...(ops && { opsOwnerId: ops.id }),
      currency: 'USD',
    });
    channels.set(c.code, channel.id);
    const discount = c.kind === 'wholesale' || c.kind === 'partner' ? 0.85 : 1;
    await createPriceList(ctx, {
      name: `${c.name} list`,
      currency: 'USD',
      channelId: channel.id,
      validFrom: new Date(at - 86_400_000),
      priority: 0,
      items: items.flatMap((i) => [
        { itemId: i.id, minQuantity: 1, unitPriceMinor: Math.round(i.priceMinor * discount) },
        { itemId: i.id, minQuantity: 10, unitPriceMinor: Math.round(i.priceMinor * discount * 0.95) },
      ]),
    });
  }
  await createRebateProgram(ctx, { name: 'Gold partner rebate', tier: 'gold', rateBp: 150, validFrom: new Date(at - 86_400_000) });
  if (ops) {
    const variant = await createVariant(ctx, {
      channelId: channels.get('WHOLESALE')!,
      overlay: { ORDER_RELEASE: [{ type: 'manual_approval', version: 1, note: 'wholesale orders are approved by the desk' }, { type: 'margin_floor', version: 1, minMarginBp: 1500 }] },
      ownerId: ops.id,
      rationale: 'Large wholesale orders tie up stock for weeks; the desk approves each one.',
      supportModel: 'Operations desk, business hours',
      reviewBy: new Date(base.clock.now().getTime() + 90 * 86_400_000),
    });
    await activateVariant(ctx, variant.id);
  }

  const accounts = await base.db.selectFrom('accounts').select(['id', 'name']).orderBy('name').limit(12).execute();
  const customers = [];
  for (const [i, a] of accounts.entries()) {
    await setCustomerTerms(ctx, a.id, { tier: i % 3 === 0 ? 'gold' : 'standard', creditLimitMinor: i % 4 === 3 ? 50_000 : 5_000_000, paymentTerms: i % 2 === 0 ? 'net30' : 'prepaid' });
    customers.push(a.id);
  }
  if (customers.length === 0) {
    const now = ctx.clock.now();
    const row = await base.db.insertInto('accounts').values({ name: 'Demo customer', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    await setCustomerTerms(ctx, row.id, { tier: 'gold', creditLimitMinor: 5_000_000, paymentTerms: 'net30' });
    customers.push(row.id);
  }

  let orders = 0;
  const stages = ['invoiced', 'shipped', 'released', 'allocated', 'submitted', 'returned'] as const;
  for (const [ci, c] of CHANNELS.entries()) {
    for (let k = 0; k < 5; k++) {
      const stage = stages[(ci + k) % stages.length]!;
      const customer = customers[(ci * 5 + k) % customers.length]!;
      const item = items[(ci + k * 2) % items.length]!;
      at = start + 86_400_000 + (ci * 5 + k) * 10 * 3_600_000 + ((ci * 7 + k * 5) % 5) * 3_600_000;
      const order = await createOrder(ctx, { channelId: channels.get(c.code)!, accountId: customer, paymentStatus: c.kind === 'ecommerce' || c.kind === 'marketplace' ? 'paid' : 'unpaid', lines: [{ itemId: item.id, qty: 1 + ((ci + k) % 4) }] });
      orders++;
      if (stage === 'submitted') continue;
      try {
        await allocateOrder(ctx, order.id);
      } catch {
        continue;
      }
      if (stage === 'allocated') continue;
      later(1 + (k % 3));
      let release = await releaseOrder(ctx, order.id);
      if (release.decision.outcome === 'hold') {
        // Leave one held order per channel for the desk; release the others hold by hold.
        if (k % 2 === 0) continue;
        const holds = await base.db.selectFrom('holds').select('id').where('order_id', '=', order.id).where('released_at', 'is', null).execute();
        for (const h of holds) {
          later(2);
          await releaseHold(ctx, h.id, 'approved by the desk after review');
        }
        release = await releaseOrder(ctx, order.id);
        if (release.decision.outcome === 'hold') continue;
      }
      if (stage === 'released') continue;
      later(6 + ((ci * 3 + k * 13) % 40));
      const allocations = await base.db.selectFrom('allocations').selectAll().where('order_line_id', '=', order.lines[0]!.id).where('status', '=', 'active').execute();
      for (const a of allocations) {
        const shipment = await createShipment(ctx, { orderId: order.id, lines: [{ allocationId: a.id, qty: a.qty }] });
        await confirmShipment(ctx, shipment.id);
      }
      if (stage === 'shipped' && c.invoicePolicy === 'on_shipment') continue;
      later(2);
      const fresh = await base.db.selectFrom('sales_orders').select('lifecycle').where('id', '=', order.id).executeTakeFirstOrThrow();
      if (fresh.lifecycle === 'released') await postInvoice(ctx, { orderId: order.id });
      if (stage !== 'returned') continue;
      later(48);
      const ra = await authorizeReturn(ctx, { orderId: order.id, locationId: locations.get(c.locations[0])!, reason: 'arrived damaged', lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }] });
      later(30);
      await receiveReturn(ctx, ra.id, undefined, { lines: [{ returnLineId: ra.lines[0]!.id, restock: 0, quarantine: 1, scrap: 0 }] });
      later(20);
      await postCreditMemo(ctx, { kind: 'goods', orderId: order.id, returnId: ra.id, lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }] });
    }
  }

  at = base.clock.now().getTime() - 3_600_000;
  await createPurchaseOrder(ctx, { supplier: 'Acme Components', locationId: locations.get('WH-EAST')!, lines: items.slice(0, 3).map((i) => ({ itemId: i.id, qty: 20, unitCostMinor: Math.round(i.priceMinor * 0.6) })) });
  await shipTransfer(ctx, { fromLocationId: locations.get('WH-EAST')!, toLocationId: locations.get('BR-CENTRAL')!, transitLocationId: locations.get('TRANSIT')!, lines: [{ itemId: items[0]!.id, qty: 4 }] });
  for (const [i, item] of items.slice(0, 4).entries()) {
    const level = await base.db.selectFrom('stock_levels').selectAll().where('item_id', '=', item.id).where('location_id', '=', locations.get('WH-WEST')!).executeTakeFirstOrThrow();
    await recordCycleCount(ctx, { itemId: item.id, locationId: locations.get('WH-WEST')!, counted: level.on_hand - (i % 2) }).catch(() => undefined);
  }
  return { channels: CHANNELS.length, items: items.length, orders };
}
