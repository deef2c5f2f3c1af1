import type { Selectable } from 'kysely';
import type { ChannelTable, ItemTable, LocationTable } from '../platform/db/database.js';
import { billingStatus, fulfilmentStatus, type Lifecycle, orderStatus, returnStatus } from './core/quantities.js';
import { type OrderLineRow, type OrderRow, quantitiesOf } from './store.js';

export const locationView = (r: Selectable<LocationTable>) => ({ id: r.id, code: r.code, name: r.name, kind: r.kind, region: r.region });
export type LocationView = ReturnType<typeof locationView>;

export const itemView = (r: Selectable<ItemTable>) => ({ id: r.id, sku: r.sku, name: r.name, specs: r.specs, unitCostMinor: Number(r.unit_cost_minor), currency: r.currency });
export type ItemView = ReturnType<typeof itemView>;

export const channelView = (r: Selectable<ChannelTable>, locationIds: string[]) => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  locationIds,
  allocationStrategy: r.allocation_strategy,
  invoicePolicy: r.invoice_policy,
  priceListId: r.price_list_id,
  taxRateBp: r.tax_rate_bp,
  opsOwnerId: r.ops_owner_id,
  currency: r.currency,
});
export type ChannelView = ReturnType<typeof channelView>;

export const lineView = (l: OrderLineRow) => ({
  id: l.id,
  lineNo: l.line_no,
  itemId: l.item_id,
  unitPriceMinor: Number(l.unit_price_minor),
  unitCostMinor: Number(l.unit_cost_minor),
  priceListItemId: l.price_list_item_id,
  qty: quantitiesOf(l),
});

export function orderView(order: OrderRow, lines: OrderLineRow[], openHolds: number) {
  const quantities = lines.map(quantitiesOf);
  return {
    id: order.id,
    number: Number(order.number),
    channelId: order.channel_id,
    accountId: order.account_id,
    quoteId: order.quote_id,
    region: order.region,
    currency: order.currency,
    lifecycle: order.lifecycle,
    status: orderStatus(order.lifecycle as Lifecycle, openHolds, quantities),
    fulfilmentStatus: fulfilmentStatus(quantities),
    billingStatus: billingStatus(quantities),
    returnStatus: returnStatus(quantities),
    paymentStatus: order.payment_status,
    invoicePolicy: order.invoice_policy,
    taxRateBp: order.tax_rate_bp,
    workflowVersion: order.workflow_version,
    variantId: order.variant_id,
    variantVersion: order.variant_version,
    ownerId: order.owner_id,
    openHolds,
    totalNetMinor: lines.reduce((acc, l) => acc + l.qty_ordered * Number(l.unit_price_minor), 0),
    version: order.version,
    createdAt: order.created_at.toISOString(),
    releasedAt: order.released_at?.toISOString() ?? null,
    lines: lines.map(lineView),
  };
}
export type OrderView = ReturnType<typeof orderView>;
