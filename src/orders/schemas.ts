import { z } from 'zod';
import { CONTROL_POINTS } from './core/gates.js';

const qty = z.number().int().positive();
const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const code = z.string().trim().min(1).max(64);
const uuid = z.uuid();

export const CreateLocationSchema = z.object({ code, name: z.string().trim().min(1).max(200), kind: z.enum(['warehouse', 'branch', 'in_transit']), region: z.string().max(100).optional() });
export type CreateLocationInput = z.infer<typeof CreateLocationSchema>;

export const CreateItemSchema = z.object({ sku: code, name: z.string().trim().min(1).max(300), specs: z.record(z.string(), z.unknown()).default({}), unitCostMinor: minor, currency: z.string().regex(/^[A-Z]{3}$/).default('USD') });
export type CreateItemInput = z.infer<typeof CreateItemSchema>;

export const CreateChannelSchema = z.object({
  code,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['ecommerce', 'wholesale', 'marketplace', 'field_sales', 'partner', 'branch']),
  locationIds: z.array(uuid).min(1).max(50),
  allocationStrategy: z.enum(['priority', 'most_stock']).default('priority'),
  invoicePolicy: z.enum(['on_order', 'on_shipment']).default('on_shipment'),
  priceListId: uuid.optional(),
  taxRateBp: z.number().int().min(0).max(10000).default(0),
  regionTaxRates: z.array(z.object({ region: z.string().min(1).max(100), rateBp: z.number().int().min(0).max(10000) })).max(100).default([]),
  opsOwnerId: uuid.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
});
export type CreateChannelInput = z.infer<typeof CreateChannelSchema>;

export const CreatePriceListSchema = z.object({
  name: z.string().trim().min(1).max(200),
  currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
  channelId: uuid.optional(),
  tier: z.string().max(50).optional(),
  validFrom: z.coerce.date(),
  validTo: z.coerce.date().optional(),
  priority: z.number().int().default(0),
  items: z.array(z.object({ itemId: uuid, minQuantity: qty.default(1), unitPriceMinor: minor })).min(1).max(5000),
});
export type CreatePriceListInput = z.infer<typeof CreatePriceListSchema>;

export const CustomerTermsSchema = z.object({ tier: z.string().trim().min(1).max(50), creditLimitMinor: minor, paymentTerms: z.enum(['prepaid', 'net30', 'net60']) });
export type CustomerTermsInput = z.infer<typeof CustomerTermsSchema>;

export const CreateRebateProgramSchema = z
  .object({ name: z.string().trim().min(1).max(200), tier: z.string().max(50).optional(), accountId: uuid.optional(), rateBp: z.number().int().min(0).max(10000), validFrom: z.coerce.date(), validTo: z.coerce.date().optional() })
  .refine((v) => v.tier !== undefined || v.accountId !== undefined, { message: 'name a tier or an account', path: ['tier'] });
export type CreateRebateProgramInput = z.infer<typeof CreateRebateProgramSchema>;

export const AdjustStockSchema = z.object({
  itemId: uuid,
  locationId: uuid,
  bucket: z.enum(['on_hand', 'quarantined', 'incoming']).default('on_hand'),
  delta: z.number().int().refine((n) => n !== 0, 'must not be 0'),
  reason: z.string().trim().min(1).max(500),
});
export type AdjustStockInput = z.output<typeof AdjustStockSchema>;

export const CycleCountSchema = z.object({ itemId: uuid, locationId: uuid, counted: z.number().int().min(0) });
export type CycleCountInput = z.infer<typeof CycleCountSchema>;

const OrderLineInput = z.object({ itemId: uuid, qty, unitPriceMinor: minor.optional() });
export const CreateOrderSchema = z.object({
  channelId: uuid,
  accountId: uuid,
  region: z.string().max(100).optional(),
  paymentStatus: z.enum(['unpaid', 'authorized', 'paid']).default('unpaid'),
  lines: z.array(OrderLineInput).min(1).max(500),
});
export type CreateOrderInput = z.input<typeof CreateOrderSchema>;

export const CreateQuoteSchema = z.object({ channelId: uuid, accountId: uuid, validUntil: z.coerce.date(), lines: z.array(OrderLineInput).min(1).max(500) });
export type CreateQuoteInput = z.infer<typeof CreateQuoteSchema>;

export const ReasonSchema = z.object({ reason: z.string().trim().min(1).max(1000).optional() });
export const ReleaseHoldSchema = z.object({ reason: z.string().trim().min(1).max(1000) });

export const CreateShipmentSchema = z.object({ orderId: uuid, lines: z.array(z.object({ allocationId: uuid, qty })).min(1).max(500) });
export type CreateShipmentInput = z.infer<typeof CreateShipmentSchema>;

export const CreateInvoiceSchema = z.object({ orderId: uuid, shipmentId: uuid.optional() });
export type CreateInvoiceInput = z.infer<typeof CreateInvoiceSchema>;

export const CreateReturnSchema = z.object({ orderId: uuid, locationId: uuid, reason: z.string().trim().min(1).max(1000), lines: z.array(z.object({ orderLineId: uuid, qty })).min(1).max(500) });
export type CreateReturnInput = z.infer<typeof CreateReturnSchema>;

export const ReceiveReturnSchema = z.object({
  lines: z.array(z.object({ returnLineId: uuid, restock: z.number().int().min(0).default(0), quarantine: z.number().int().min(0).default(0), scrap: z.number().int().min(0).default(0) })).min(1).max(500),
});
export type ReceiveReturnInput = z.infer<typeof ReceiveReturnSchema>;

export const CreateCreditMemoSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('goods'), orderId: uuid, returnId: uuid, lines: z.array(z.object({ orderLineId: uuid, qty })).min(1).max(500) }),
  z.object({ kind: z.literal('price'), orderId: uuid, reasonCode: z.string().trim().min(1).max(64), lines: z.array(z.object({ orderLineId: uuid, amountMinor: z.number().int().positive() })).min(1).max(500) }),
]);
export type CreateCreditMemoInput = z.infer<typeof CreateCreditMemoSchema>;

export const CreatePurchaseOrderSchema = z.object({ supplier: z.string().trim().min(1).max(200), locationId: uuid, lines: z.array(z.object({ itemId: uuid, qty, unitCostMinor: minor })).min(1).max(500) });
export type CreatePurchaseOrderInput = z.infer<typeof CreatePurchaseOrderSchema>;
export const ReceiveGoodsSchema = z.object({ purchaseOrderId: uuid, lines: z.array(z.object({ lineId: uuid, qty })).min(1).max(500) });
export type ReceiveGoodsInput = z.infer<typeof ReceiveGoodsSchema>;

export const CreateTransferSchema = z.object({ fromLocationId: uuid, toLocationId: uuid, transitLocationId: uuid, lines: z.array(z.object({ itemId: uuid, qty })).min(1).max(500) });
export type CreateTransferInput = z.infer<typeof CreateTransferSchema>;
export const ReceiveTransferSchema = z.object({ lines: z.array(z.object({ lineId: uuid, qty })).min(1).max(500) });
export type ReceiveTransferInput = z.infer<typeof ReceiveTransferSchema>;

const GateSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('credit_limit'), version: z.number().int().min(1).default(1), utilisationBp: z.number().int().min(0).max(10000).optional() }),
  z.object({ type: z.literal('margin_floor'), version: z.number().int().min(1).default(1), minMarginBp: z.number().int().min(-10000).max(10000) }),
  z.object({ type: z.literal('payment_status'), version: z.number().int().min(1).default(1), requirePaid: z.boolean().optional() }),
  z.object({ type: z.literal('stock_cover'), version: z.number().int().min(1).default(1) }),
  z.object({ type: z.literal('manual_approval'), version: z.number().int().min(1).default(1), note: z.string().max(300).optional() }),
]);
export const CreateVariantSchema = z.object({
  channelId: uuid,
  overlay: z.partialRecord(z.enum(CONTROL_POINTS), z.array(GateSchema).max(10)),
  ownerId: uuid.optional(),
  rationale: z.string().trim().max(2000).optional(),
  supportModel: z.string().trim().max(2000).optional(),
  reviewBy: z.coerce.date().optional(),
});
export type CreateVariantInput = z.infer<typeof CreateVariantSchema>;

export const KpiQuerySchema = z.object({ from: z.coerce.date().optional(), to: z.coerce.date().optional(), channel: uuid.optional(), format: z.enum(['json', 'csv']).default('json') });
export type KpiQuery = z.infer<typeof KpiQuerySchema>;

// ---- inbound sync: item updates ----
export const UpdateItemSchema = z.object({
  name: z.string().trim().min(1).max(300).optional(),
  specs: z.record(z.string(), z.unknown()).optional(),
  unitCostMinor: minor.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
});
export type UpdateItemInput = z.infer<typeof UpdateItemSchema>;
