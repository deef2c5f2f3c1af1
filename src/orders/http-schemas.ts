import { z } from 'zod';

const Qty = z.object({ ordered: z.number(), cancelled: z.number(), allocated: z.number(), shipped: z.number(), invoiced: z.number(), returnAuthorized: z.number(), returnReceived: z.number(), credited: z.number() });
export const OrderLineResponse = z.object({ id: z.uuid(), lineNo: z.number(), itemId: z.uuid(), unitPriceMinor: z.number(), unitCostMinor: z.number(), priceListItemId: z.uuid().nullable(), qty: Qty });
export const OrderResponse = z.looseObject({
  id: z.uuid(),
  number: z.number(),
  channelId: z.uuid(),
  accountId: z.uuid(),
  lifecycle: z.string(),
  status: z.string(),
  fulfilmentStatus: z.string(),
  billingStatus: z.string(),
  returnStatus: z.string(),
  paymentStatus: z.string(),
  invoicePolicy: z.string(),
  workflowVersion: z.number(),
  variantId: z.uuid().nullable(),
  openHolds: z.number(),
  totalNetMinor: z.number(),
  version: z.number(),
  createdAt: z.string(),
  lines: z.array(OrderLineResponse),
});
const Decision = z.looseObject({ id: z.uuid(), controlPoint: z.string(), outcome: z.string(), rules: z.unknown(), actor: z.string(), reason: z.string().nullable(), at: z.string() });
const Hold = z.looseObject({ id: z.uuid(), type: z.string(), controlPoint: z.string(), reason: z.string(), openedAt: z.string(), releasedAt: z.string().nullable() });
const Exception = z.looseObject({ id: z.uuid(), controlPoint: z.string(), category: z.string(), detail: z.string(), status: z.string(), ownerId: z.uuid().nullable(), dueAt: z.string(), openedAt: z.string() });
export const OrderDetailResponse = OrderResponse.extend({
  allocations: z.array(z.looseObject({ id: z.uuid(), orderLineId: z.uuid().nullable(), locationId: z.uuid(), qty: z.number(), status: z.string() })),
  holds: z.array(Hold),
  decisions: z.array(Decision),
  exceptions: z.array(Exception),
  timeline: z.array(z.object({ type: z.string(), subjectId: z.uuid().nullable(), actorId: z.uuid().nullable(), at: z.string() })),
  shipments: z.array(z.looseObject({ id: z.uuid(), status: z.string() })),
  invoices: z.array(z.looseObject({ id: z.uuid(), totalMinor: z.number() })),
  returns: z.array(z.looseObject({ id: z.uuid(), status: z.string() })),
  creditMemos: z.array(z.looseObject({ id: z.uuid(), kind: z.string(), totalMinor: z.number() })),
});
export const ReleaseResponse = z.object({ order: OrderResponse, decision: z.object({ id: z.uuid(), outcome: z.string(), rules: z.unknown() }) });
export const HoldResponse = z.looseObject({ id: z.uuid(), orderId: z.uuid(), type: z.string(), releasedAt: z.string() });
export const ExceptionResponse = Exception.extend({ subjectType: z.string(), subjectId: z.uuid(), orderId: z.uuid().nullable(), channelId: z.uuid().nullable() });
export const ChannelResponse = z.looseObject({ id: z.uuid(), code: z.string(), name: z.string(), kind: z.string(), locationIds: z.array(z.uuid()), allocationStrategy: z.string(), invoicePolicy: z.string(), taxRateBp: z.number() });
export const ItemResponse = z.looseObject({ id: z.uuid(), sku: z.string(), name: z.string(), unitCostMinor: z.number() });
export const LocationResponse = z.looseObject({ id: z.uuid(), code: z.string(), name: z.string(), kind: z.string() });
export const StockResponse = z.object({
  levels: z.array(z.object({ itemId: z.uuid(), sku: z.string(), locationId: z.uuid(), onHand: z.number(), allocated: z.number(), quarantined: z.number(), incoming: z.number(), available: z.number(), projected: z.number() })),
  channel: z.array(z.object({ itemId: z.uuid(), sku: z.string(), available: z.number(), projected: z.number() })).nullable(),
});
export const StockLevelResponse = z.object({ itemId: z.uuid(), locationId: z.uuid(), onHand: z.number(), allocated: z.number(), quarantined: z.number(), incoming: z.number() });
export const Doc = z.looseObject({ id: z.uuid() });
export const VariantResponse = z.looseObject({ id: z.uuid(), channelId: z.uuid(), version: z.number(), status: z.string(), expired: z.boolean(), ownerId: z.uuid().nullable(), reviewBy: z.string().nullable(), diff: z.array(z.unknown()), exceptionRate: z.number() });
export const VariantRegistryResponse = z.object({ standard: z.looseObject({ version: z.number(), gates: z.unknown(), exceptionRate: z.number() }), variants: z.array(VariantResponse) });
export const KpiResponse = z.looseObject({
  cycleTime: z.object({ byChannel: z.array(z.looseObject({ channel: z.string(), orders: z.number(), p50Hours: z.number().nullable(), p90Hours: z.number().nullable() })), spreadOfMediansHours: z.number().nullable() }),
  exceptionRate: z.array(z.looseObject({ channel: z.string(), controlPoint: z.string(), rate: z.number() })),
  holds: z.array(z.looseObject({ channel: z.string(), holdRate: z.number(), meanHoldHours: z.number().nullable() })),
  inventoryAccuracy: z.array(z.looseObject({ location: z.string(), accuracy: z.number().nullable() })),
  returnsTurnaround: z.looseObject({ returns: z.number(), p50Hours: z.number().nullable() }),
  marginByChannel: z.array(z.looseObject({ channel: z.string(), netMinor: z.number(), marginMinor: z.number(), marginRate: z.number() })),
  adoption: z.looseObject({ transitions: z.number(), standardShare: z.number(), overrideShare: z.number() }),
});

export const ReturnResponse = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.number(),
  channelId: z.uuid(),
  locationId: z.uuid(),
  status: z.string(),
  reason: z.string(),
  authorizedAt: z.string(),
  receivedAt: z.string().nullable(),
  creditedAt: z.string().nullable(),
  turnaroundHours: z.number().nullable(),
  version: z.number(),
  lines: z.array(
    z.object({
      id: z.uuid(),
      orderLineId: z.uuid(),
      lineNo: z.number(),
      itemId: z.uuid(),
      sku: z.string(),
      qtyAuthorized: z.number(),
      qtyReceived: z.number(),
      qtyRestocked: z.number(),
      qtyQuarantined: z.number(),
      qtyScrapped: z.number(),
      qtyCredited: z.number(),
    }),
  ),
});
export const CreditMemoResponse = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  orderNumber: z.number(),
  channelId: z.uuid(),
  returnId: z.uuid().nullable(),
  kind: z.string(),
  reasonCode: z.string().nullable(),
  status: z.string(),
  netMinor: z.number(),
  taxMinor: z.number(),
  totalMinor: z.number(),
  postedAt: z.string(),
  lines: z.array(z.object({ orderLineId: z.uuid(), qty: z.number(), netMinor: z.number() })),
});
export const PurchaseOrderResponse = z.object({
  id: z.uuid(),
  supplier: z.string(),
  locationId: z.uuid(),
  status: z.string(),
  totalMinor: z.number(),
  createdBy: z.uuid().nullable(),
  approvedBy: z.uuid().nullable(),
  createdAt: z.string(),
  version: z.number(),
  lines: z.array(z.object({ id: z.uuid(), itemId: z.uuid(), sku: z.string(), qtyOrdered: z.number(), qtyReceived: z.number(), unitCostMinor: z.number() })),
});
export const TransferResponse = z.object({
  id: z.uuid(),
  fromLocationId: z.uuid(),
  toLocationId: z.uuid(),
  transitLocationId: z.uuid(),
  status: z.string(),
  createdAt: z.string(),
  lines: z.array(z.object({ id: z.uuid(), itemId: z.uuid(), sku: z.string(), qtyShipped: z.number(), qtyReceived: z.number() })),
});
