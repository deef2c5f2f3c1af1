import { z } from 'zod';
import { etagOf, versionFromIfMatch } from '../platform/http/etag.js';
import type { App } from '../platform/http/server.js';
import { PageQuerySchema } from '../platform/pagination.js';
import { IdParams, listOf } from '../identity/http-schemas.js';
import {
  ChannelResponse,
  Doc,
  ExceptionResponse,
  HoldResponse,
  ItemResponse,
  KpiResponse,
  LocationResponse,
  OrderDetailResponse,
  OrderResponse,
  ReleaseResponse,
  StockLevelResponse,
  StockResponse,
  VariantRegistryResponse,
  VariantResponse,
  CreditMemoResponse,
  PurchaseOrderResponse,
  ReturnResponse,
  TransferResponse,
} from './http-schemas.js';
import {
  AdjustStockSchema,
  CreateChannelSchema,
  CreateCreditMemoSchema,
  CreateInvoiceSchema,
  CreateItemSchema,
  CreateLocationSchema,
  CreateOrderSchema,
  CreatePriceListSchema,
  CreatePurchaseOrderSchema,
  CreateQuoteSchema,
  CreateRebateProgramSchema,
  CreateReturnSchema,
  CreateShipmentSchema,
  CreateTransferSchema,
  CreateVariantSchema,
  CustomerTermsSchema,
  CycleCountSchema,
  KpiQuerySchema,
  ReasonSchema,
  ReceiveGoodsSchema,
  ReceiveReturnSchema,
  ReceiveTransferSchema,
  ReleaseHoldSchema,
} from './schemas.js';
import { acceptQuote } from './use-cases/accept-quote.js';
import { activateVariant } from './use-cases/activate-variant.js';
import { adjustStock } from './use-cases/adjust-stock.js';
import { allocateOrder } from './use-cases/allocate-order.js';
import { approvePurchaseOrder } from './use-cases/approve-purchase-order.js';
import { authorizeReturn } from './use-cases/authorize-return.js';
import { cancelOrder } from './use-cases/cancel-order.js';
import { confirmShipment } from './use-cases/confirm-shipment.js';
import { createChannel } from './use-cases/create-channel.js';
import { createItem } from './use-cases/create-item.js';
import { createLocation } from './use-cases/create-location.js';
import { createOrder } from './use-cases/create-order.js';
import { createPriceList } from './use-cases/create-price-list.js';
import { createPurchaseOrder } from './use-cases/create-purchase-order.js';
import { createQuote } from './use-cases/create-quote.js';
import { createRebateProgram } from './use-cases/create-rebate-program.js';
import { createShipment } from './use-cases/create-shipment.js';
import { createVariant } from './use-cases/create-variant.js';
import { getOrder } from './use-cases/get-order.js';
import { getOrderKpis, kpisToCsv } from './use-cases/get-order-kpis.js';
import { getStock } from './use-cases/get-stock.js';
import { listExceptions } from './use-cases/list-exceptions.js';
import { listChannels } from './use-cases/list-channels.js';
import { listItems } from './use-cases/list-items.js';
import { listLocations } from './use-cases/list-locations.js';
import { listOrders } from './use-cases/list-orders.js';
import { listVariants } from './use-cases/list-variants.js';
import { postCreditMemo } from './use-cases/post-credit-memo.js';
import { postInvoice } from './use-cases/post-invoice.js';
import { receiveGoods } from './use-cases/receive-goods.js';
import { receiveReturn } from './use-cases/receive-return.js';
import { receiveTransfer } from './use-cases/receive-transfer.js';
import { recordCycleCount } from './use-cases/record-cycle-count.js';
import { releaseHold } from './use-cases/release-hold.js';
import { releaseOrder } from './use-cases/release-order.js';
import { resolveException } from './use-cases/resolve-exception.js';
import { setCustomerTerms } from './use-cases/set-customer-terms.js';
import { shipTransfer } from './use-cases/ship-transfer.js';
import { getCreditMemo } from './use-cases/get-credit-memo.js';
import { getPurchaseOrder } from './use-cases/get-purchase-order.js';
import { getReturn } from './use-cases/get-return.js';
import { getTransfer } from './use-cases/get-transfer.js';
import { listCreditMemos } from './use-cases/list-credit-memos.js';
import { listPurchaseOrders } from './use-cases/list-purchase-orders.js';
import { listReturns } from './use-cases/list-returns.js';
import { listTransfers } from './use-cases/list-transfers.js';
import { releaseAllocations } from './use-cases/release-allocations.js';

const tags = ['orders'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
/** Document POSTs that act on an order accept the order's ETag as If-Match (checked under the order lock). */
const orderIfMatch = (header: string | undefined) => (header === undefined || header.trim() === '' ? undefined : versionFromIfMatch(header));

export function registerOrderRoutes(app: App): void {
  // ---- master data ---------------------------------------------------------------------------------
  app.get('/api/v1/channels', { config: { access: 'order.read' }, schema: { tags, response: { 200: listOf(ChannelResponse) } } }, async (request) => listChannels(request.context()));
  app.post('/api/v1/channels', { config: { access: 'order.configure' }, schema: { tags, body: CreateChannelSchema, response: { 201: ChannelResponse } } }, async (request, reply) => {
    const body = await createChannel(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/channels/${body.id}`).send(body);
  });
  app.get('/api/v1/items', { config: { access: 'order.read' }, schema: { tags, response: { 200: listOf(ItemResponse) } } }, async (request) => listItems(request.context()));
  app.post('/api/v1/items', { config: { access: 'stock.manage' }, schema: { tags, body: CreateItemSchema, response: { 201: ItemResponse } } }, async (request, reply) => {
    const body = await createItem(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/items/${body.id}`).send(body);
  });
  app.get('/api/v1/locations', { config: { access: 'order.read' }, schema: { tags, response: { 200: listOf(LocationResponse) } } }, async (request) => listLocations(request.context()));
  app.post('/api/v1/locations', { config: { access: 'stock.manage' }, schema: { tags, body: CreateLocationSchema, response: { 201: LocationResponse } } }, async (request, reply) => {
    const body = await createLocation(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/locations/${body.id}`).send(body);
  });
  app.post('/api/v1/price-lists', { config: { access: 'order.configure' }, schema: { tags, body: CreatePriceListSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await createPriceList(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/price-lists/${body.id}`).send(body);
  });
  app.post('/api/v1/rebate-programs', { config: { access: 'order.configure' }, schema: { tags, body: CreateRebateProgramSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await createRebateProgram(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/rebate-programs/${body.id}`).send(body);
  });
  app.put('/api/v1/accounts/:id/terms', { config: { access: 'order.configure' }, schema: { tags, params: IdParams, body: CustomerTermsSchema, response: { 200: z.looseObject({ accountId: z.uuid() }) } } }, async (request) =>
    setCustomerTerms(request.context(), request.params.id, request.body),
  );

  // ---- stock ---------------------------------------------------------------------------------------
  app.get(
    '/api/v1/stock',
    { config: { access: 'order.read' }, schema: { tags, querystring: z.strictObject({ itemId: z.uuid().optional(), locationId: z.uuid().optional(), channelId: z.uuid().optional() }), response: { 200: StockResponse } } },
    async (request) => getStock(request.context(), request.query),
  );
  app.post('/api/v1/stock/adjustments', { config: { access: 'stock.manage' }, schema: { tags, body: AdjustStockSchema, response: { 200: StockLevelResponse } } }, async (request) => adjustStock(request.context(), request.body));
  app.post('/api/v1/stock/counts', { config: { access: 'stock.manage' }, schema: { tags, body: CycleCountSchema, response: { 201: Doc } } }, async (request, reply) =>
    reply.code(201).send(await recordCycleCount(request.context(), request.body)),
  );

  // ---- quotes and orders ---------------------------------------------------------------------------
  app.post('/api/v1/quotes', { config: { access: 'order.write' }, schema: { tags, body: CreateQuoteSchema, response: { 201: Doc } } }, async (request, reply) => {
    const quote = await createQuote(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(quote.version)).header('location', `/api/v1/quotes/${quote.id}`).send(quote);
  });
  app.post('/api/v1/quotes/:id/accept', { config: { access: 'order.write' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 201: OrderResponse } } }, async (request, reply) => {
    const order = await acceptQuote(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']));
    return reply.code(201).header('etag', etagOf(order.version)).header('location', `/api/v1/orders/${order.id}`).send(order);
  });
  app.get(
    '/api/v1/orders',
    {
      config: { access: 'order.read' },
      schema: {
        tags,
        querystring: z.strictObject({ ...PageQuerySchema, channelId: z.uuid().optional(), lifecycle: z.enum(['submitted', 'released', 'closed', 'cancelled']).optional(), onHold: z.enum(['true', 'false']).optional() }),
        response: { 200: listOf(OrderResponse) },
      },
    },
    async (request) => listOrders(request.context(), { ...request.query, onHold: request.query.onHold === undefined ? undefined : request.query.onHold === 'true' }),
  );
  app.post('/api/v1/orders', { config: { access: 'order.write' }, schema: { tags, body: CreateOrderSchema, response: { 201: OrderResponse } } }, async (request, reply) => {
    const order = await createOrder(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(order.version)).header('location', `/api/v1/orders/${order.id}`).send(order);
  });
  app.get('/api/v1/orders/:id', { config: { access: 'order.read' }, schema: { tags, params: IdParams, response: { 200: OrderDetailResponse } } }, async (request, reply) => {
    const order = await getOrder(request.context(), request.params.id);
    return reply.header('etag', etagOf(order.version)).send(order);
  });
  app.post('/api/v1/orders/:id/allocate', { config: { access: 'order.write' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: OrderResponse } } }, async (request, reply) => {
    const order = await allocateOrder(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']));
    return reply.header('etag', etagOf(order.version)).send(order);
  });
  app.post('/api/v1/orders/:id/release', { config: { access: 'order.release' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: ReleaseResponse } } }, async (request, reply) => {
    const result = await releaseOrder(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']));
    return reply.header('etag', etagOf(result.order.version)).send(result);
  });
  app.post('/api/v1/orders/:id/cancel', { config: { access: 'order.write' }, schema: { tags, params: IdParams, headers: ifMatch, body: ReasonSchema, response: { 200: OrderResponse } } }, async (request, reply) => {
    const order = await cancelOrder(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']), request.body.reason ?? 'cancelled');
    return reply.header('etag', etagOf(order.version)).send(order);
  });
  app.post(
    '/api/v1/orders/:id/release-allocations',
    { config: { access: 'order.write' }, schema: { tags, params: IdParams, headers: ifMatch, body: ReasonSchema, response: { 200: OrderResponse } } },
    async (request, reply) => {
      const order = await releaseAllocations(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']), request.body.reason ?? 'allocation released');
      return reply.header('etag', etagOf(order.version)).send(order);
    },
  );
  app.post('/api/v1/holds/:id/release', { config: { access: 'order.release' }, schema: { tags, params: IdParams, body: ReleaseHoldSchema, response: { 200: HoldResponse } } }, async (request) =>
    releaseHold(request.context(), request.params.id, request.body.reason),
  );
  app.get(
    '/api/v1/exceptions',
    { config: { access: 'order.read' }, schema: { tags, querystring: z.strictObject({ ...PageQuerySchema, status: z.enum(['open', 'resolved', 'waived']).optional(), channelId: z.uuid().optional(), ownerId: z.uuid().optional() }), response: { 200: listOf(ExceptionResponse) } } },
    async (request) => listExceptions(request.context(), request.query),
  );

  app.post(
    '/api/v1/exceptions/:id/resolve',
    {
      config: { access: 'order.release' },
      schema: { tags, params: IdParams, headers: ifMatch, body: z.strictObject({ outcome: z.enum(['resolved', 'waived']), reason: z.string().trim().min(1).max(1000) }), response: { 200: z.object({ id: z.uuid(), status: z.string(), version: z.number(), resolvedAt: z.string() }) } },
    },
    async (request, reply) => {
      const result = await resolveException(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']), request.body);
      return reply.header('etag', etagOf(result.version)).send(result);
    },
  );

  // ---- documents -----------------------------------------------------------------------------------
  app.post('/api/v1/shipments', { config: { access: 'order.write' }, schema: { tags, headers: ifMatch, body: CreateShipmentSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await createShipment(request.context(), request.body, orderIfMatch(request.headers['if-match']));
    return reply.code(201).header('location', `/api/v1/shipments/${body.id}`).send(body);
  });
  app.post('/api/v1/shipments/:id/confirm', { config: { access: 'order.write' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: Doc } } }, async (request) =>
    confirmShipment(request.context(), request.params.id, orderIfMatch(request.headers['if-match'])),
  );
  app.post('/api/v1/invoices', { config: { access: 'invoice.post' }, schema: { tags, headers: ifMatch, body: CreateInvoiceSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await postInvoice(request.context(), request.body, orderIfMatch(request.headers['if-match']));
    return reply.code(201).header('location', `/api/v1/invoices/${body.id}`).send(body);
  });
  app.post('/api/v1/returns', { config: { access: 'return.manage' }, schema: { tags, headers: ifMatch, body: CreateReturnSchema, response: { 201: Doc } } }, async (request, reply) => {
    const ra = await authorizeReturn(request.context(), request.body, orderIfMatch(request.headers['if-match']));
    return reply.code(201).header('etag', etagOf(ra.version)).header('location', `/api/v1/returns/${ra.id}`).send(ra);
  });
  app.post('/api/v1/returns/:id/receive', { config: { access: 'return.manage' }, schema: { tags, params: IdParams, headers: ifMatch, body: ReceiveReturnSchema, response: { 200: Doc } } }, async (request, reply) => {
    const ra = await receiveReturn(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']), request.body);
    return reply.header('etag', etagOf(ra.version)).send(ra);
  });
  app.post('/api/v1/credit-memos', { config: { access: 'credit.goods' }, schema: { tags, headers: ifMatch, body: CreateCreditMemoSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await postCreditMemo(request.context(), request.body, orderIfMatch(request.headers['if-match']));
    return reply.code(201).header('location', `/api/v1/credit-memos/${body.id}`).send(body);
  });
  app.post('/api/v1/purchase-orders', { config: { access: 'stock.manage' }, schema: { tags, body: CreatePurchaseOrderSchema, response: { 201: Doc } } }, async (request, reply) => {
    const po = await createPurchaseOrder(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(po.version)).header('location', `/api/v1/purchase-orders/${po.id}`).send(po);
  });
  app.post('/api/v1/purchase-orders/:id/approve', { config: { access: 'purchase.approve' }, schema: { tags, params: IdParams, headers: ifMatch, response: { 200: Doc } } }, async (request, reply) => {
    const po = await approvePurchaseOrder(request.context(), request.params.id, versionFromIfMatch(request.headers['if-match']));
    return reply.header('etag', etagOf(po.version)).send(po);
  });
  app.post('/api/v1/receipts', { config: { access: 'stock.manage' }, schema: { tags, body: ReceiveGoodsSchema, response: { 201: Doc } } }, async (request, reply) =>
    reply.code(201).send(await receiveGoods(request.context(), request.body)),
  );
  app.post('/api/v1/transfers', { config: { access: 'stock.manage' }, schema: { tags, body: CreateTransferSchema, response: { 201: Doc } } }, async (request, reply) => {
    const body = await shipTransfer(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/transfers/${body.id}`).send(body);
  });
  app.post('/api/v1/transfers/:id/receive', { config: { access: 'stock.manage' }, schema: { tags, params: IdParams, body: ReceiveTransferSchema, response: { 200: Doc } } }, async (request) =>
    receiveTransfer(request.context(), request.params.id, request.body),
  );

  // ---- document desks (returns and credits, purchasing and transfers) ------------------------------------
  app.get(
    '/api/v1/returns',
    {
      config: { access: 'order.read' },
      schema: {
        tags,
        querystring: z.strictObject({ ...PageQuerySchema, status: z.enum(['authorized', 'declined', 'received', 'closed']).optional(), orderId: z.uuid().optional(), channelId: z.uuid().optional(), credited: z.enum(['true', 'false']).optional() }),
        response: { 200: listOf(ReturnResponse) },
      },
    },
    async (request) => listReturns(request.context(), { ...request.query, credited: request.query.credited === undefined ? undefined : request.query.credited === 'true' }),
  );
  app.get('/api/v1/returns/:id', { config: { access: 'order.read' }, schema: { tags, params: IdParams, response: { 200: ReturnResponse } } }, async (request, reply) => {
    const ra = await getReturn(request.context(), request.params.id);
    return reply.header('etag', etagOf(ra.version)).send(ra);
  });
  app.get(
    '/api/v1/credit-memos',
    {
      config: { access: 'order.read' },
      schema: {
        tags,
        querystring: z.strictObject({ ...PageQuerySchema, kind: z.enum(['goods', 'price']).optional(), status: z.enum(['draft', 'approved', 'posted', 'void']).optional(), orderId: z.uuid().optional(), returnId: z.uuid().optional() }),
        response: { 200: listOf(CreditMemoResponse) },
      },
    },
    async (request) => listCreditMemos(request.context(), request.query),
  );
  app.get('/api/v1/credit-memos/:id', { config: { access: 'order.read' }, schema: { tags, params: IdParams, response: { 200: CreditMemoResponse } } }, async (request) => getCreditMemo(request.context(), request.params.id));
  app.get(
    '/api/v1/purchase-orders',
    {
      config: { access: 'order.read' },
      schema: { tags, querystring: z.strictObject({ ...PageQuerySchema, status: z.enum(['pending_approval', 'ordered', 'received', 'cancelled']).optional(), locationId: z.uuid().optional() }), response: { 200: listOf(PurchaseOrderResponse) } },
    },
    async (request) => listPurchaseOrders(request.context(), request.query),
  );
  app.get('/api/v1/purchase-orders/:id', { config: { access: 'order.read' }, schema: { tags, params: IdParams, response: { 200: PurchaseOrderResponse } } }, async (request, reply) => {
    const po = await getPurchaseOrder(request.context(), request.params.id);
    return reply.header('etag', etagOf(po.version)).send(po);
  });
  app.get(
    '/api/v1/transfers',
    {
      config: { access: 'order.read' },
      schema: { tags, querystring: z.strictObject({ ...PageQuerySchema, status: z.enum(['shipped', 'partially_received', 'received']).optional(), locationId: z.uuid().optional() }), response: { 200: listOf(TransferResponse) } },
    },
    async (request) => listTransfers(request.context(), request.query),
  );
  app.get('/api/v1/transfers/:id', { config: { access: 'order.read' }, schema: { tags, params: IdParams, response: { 200: TransferResponse } } }, async (request) => getTransfer(request.context(), request.params.id));

  // ---- variants and KPIs ---------------------------------------------------------------------------
  app.get('/api/v1/variants', { config: { access: 'order.read' }, schema: { tags, response: { 200: VariantRegistryResponse } } }, async (request) => listVariants(request.context()));
  app.post('/api/v1/variants', { config: { access: 'variant.manage' }, schema: { tags, body: CreateVariantSchema, response: { 201: VariantResponse } } }, async (request, reply) => {
    const body = await createVariant(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/variants/${body.id}`).send(body);
  });
  app.post('/api/v1/variants/:id/activate', { config: { access: 'variant.manage' }, schema: { tags, params: IdParams, response: { 200: VariantResponse } } }, async (request) => activateVariant(request.context(), request.params.id));
  const kpiQuery = KpiQuerySchema.omit({ format: true }).strict();
  const kpiFilter = (q: z.infer<typeof kpiQuery>) => ({ from: q.from, to: q.to, channelId: q.channel });
  app.get('/api/v1/kpis/orders', { config: { access: 'kpi.read' }, schema: { tags, querystring: kpiQuery, response: { 200: KpiResponse } } }, async (request) => getOrderKpis(request.context(), kpiFilter(request.query)));
  app.get('/api/v1/kpis/orders/csv', { config: { access: 'kpi.read' }, schema: { tags, querystring: kpiQuery, response: { 200: z.string() } } }, async (request, reply) => {
    const csv = kpisToCsv(await getOrderKpis(request.context(), kpiFilter(request.query)));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="order-kpis.csv"').send(csv);
  });
}
