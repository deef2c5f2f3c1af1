import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { authorizeReturn } from '../../src/orders/use-cases/authorize-return.js';
import { confirmShipment } from '../../src/orders/use-cases/confirm-shipment.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { createPurchaseOrder } from '../../src/orders/use-cases/create-purchase-order.js';
import { createShipment } from '../../src/orders/use-cases/create-shipment.js';
import { getOrder } from '../../src/orders/use-cases/get-order.js';
import { postCreditMemo } from '../../src/orders/use-cases/post-credit-memo.js';
import { postInvoice } from '../../src/orders/use-cases/post-invoice.js';
import { receiveReturn } from '../../src/orders/use-cases/receive-return.js';
import { releaseOrder } from '../../src/orders/use-cases/release-order.js';
import { shipTransfer } from '../../src/orders/use-cases/ship-transfer.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { makeWorld } from './world.js';

let t: TestApp;
let rep: { authorization: string };
let ops: { authorization: string };
let finance: { authorization: string };
let partner: { authorization: string };
let w: Awaited<ReturnType<typeof makeWorld>>;
let orderId: string;
let lineId: string;
const ids = { received: '', open: '', memo: '', bigPo: '', smallPo: '', transfer: '' };

const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });
const post = (url: string, headers: Record<string, string>, payload: unknown = {}) =>
  t.app.inject({ method: 'POST', url, headers, payload: payload as object });

beforeAll(async () => {
  t = await createTestApp();
  rep = (await t.userWithToken('sales_rep')).headers;
  ops = (await t.userWithToken('ops')).headers;
  finance = (await t.userWithToken('finance')).headers;
  partner = (await t.userWithToken('partner_user')).headers;
  w = await makeWorld(t.database.db, systemClock, { stock: [10, 4] });
  const ctx = w.ctx;
  const order = await createOrder(ctx, {
    channelId: w.channel.id,
    accountId: w.accountId,
    lines: [{ itemId: w.item.id, qty: 4, unitPriceMinor: 1000 }],
  });
  orderId = order.id;
  lineId = order.lines[0]!.id;
  await allocateOrder(ctx, order.id);
  await releaseOrder(ctx, order.id);
  const allocation = (await getOrder(ctx, order.id)).allocations[0]!;
  const shipment = await createShipment(ctx, { orderId, lines: [{ allocationId: allocation.id, qty: 4 }] });
  await confirmShipment(ctx, shipment.id);
  await postInvoice(ctx, { orderId });
  const first = await authorizeReturn(ctx, { orderId, locationId: w.a.id, reason: 'damaged', lines: [{ orderLineId: lineId, qty: 2 }] });
  await receiveReturn(ctx, first.id, first.version, { lines: [{ returnLineId: first.lines[0]!.id, restock: 1, quarantine: 1, scrap: 0 }] });
  ids.memo = (await postCreditMemo(ctx, { kind: 'goods', orderId, returnId: first.id, lines: [{ orderLineId: lineId, qty: 2 }] })).id;
  ids.received = first.id;
  ids.open = (
    await authorizeReturn(ctx, { orderId, locationId: w.b.id, reason: 'wrong colour', lines: [{ orderLineId: lineId, qty: 1 }] })
  ).id;
  ids.smallPo = (
    await createPurchaseOrder(ctx, { supplier: 'Small Co', locationId: w.a.id, lines: [{ itemId: w.item.id, qty: 2, unitCostMinor: 500 }] })
  ).id;
  ids.bigPo = (
    await createPurchaseOrder(ctx, {
      supplier: 'Big Co',
      locationId: w.b.id,
      lines: [{ itemId: w.item.id, qty: 1000, unitCostMinor: 600 }],
    })
  ).id;
  ids.transfer = (
    await shipTransfer(ctx, {
      fromLocationId: w.a.id,
      toLocationId: w.b.id,
      transitLocationId: w.transit.id,
      lines: [{ itemId: w.item.id, qty: 3 }],
    })
  ).id;
}, 120_000);
afterAll(() => t.close());

describe('returns and credit memos over HTTP', () => {
  it('lists returns with their lines, received quantities, credits and turnaround, filtered and paged', async () => {
    const all = await get(`/api/v1/returns?orderId=${orderId}`, rep);
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((r: { id: string }) => r.id)).toEqual([ids.open, ids.received]);
    const received = all.json().items[1];
    expect(received).toMatchObject({ status: 'received', reason: 'damaged', channelId: w.channel.id, locationId: w.a.id });
    expect(received.creditedAt).not.toBeNull();
    expect(received.turnaroundHours).toBeGreaterThanOrEqual(0);
    expect(received.lines).toEqual([
      expect.objectContaining({
        orderLineId: lineId,
        sku: w.item.sku,
        qtyAuthorized: 2,
        qtyReceived: 2,
        qtyRestocked: 1,
        qtyQuarantined: 1,
        qtyScrapped: 0,
        qtyCredited: 2,
      }),
    ]);
    expect(all.json().items[0]).toMatchObject({ status: 'authorized', creditedAt: null, turnaroundHours: null });

    expect((await get('/api/v1/returns?status=authorized', rep)).json().items.map((r: { id: string }) => r.id)).toEqual([ids.open]);
    expect((await get('/api/v1/returns?credited=true', rep)).json().items.map((r: { id: string }) => r.id)).toEqual([ids.received]);
    expect((await get(`/api/v1/returns?channelId=${randomUUID()}`, rep)).json().items).toEqual([]);

    const page1 = (await get('/api/v1/returns?limit=1', rep)).json();
    expect(page1.items).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await get(`/api/v1/returns?limit=1&cursor=${page1.nextCursor}`, rep)).json();
    expect(page2.items.map((r: { id: string }) => r.id)).toEqual([ids.received]);
    expect(page2.nextCursor).toBeNull();

    const one = await get(`/api/v1/returns/${ids.open}`, rep);
    expect(one.statusCode).toBe(200);
    expect(one.headers.etag).toBe(`"v${one.json().version}"`);
  });

  it('lists credit memos by order, return and kind', async () => {
    const memos = (await get(`/api/v1/credit-memos?returnId=${ids.received}`, rep)).json();
    expect(memos.items).toEqual([
      expect.objectContaining({
        id: ids.memo,
        kind: 'goods',
        status: 'posted',
        orderId,
        netMinor: 2000,
        lines: [{ orderLineId: lineId, qty: 2, netMinor: 2000 }],
      }),
    ]);
    expect((await get('/api/v1/credit-memos?kind=price', rep)).json().items).toEqual([]);
    expect((await get(`/api/v1/credit-memos/${ids.memo}`, rep)).json()).toMatchObject({ id: ids.memo, returnId: ids.received });
  });

  it('answers 404 for missing and foreign ids, 400 for bad filters and cursors, 401/403 for the wrong caller', async () => {
    for (const url of [
      `/api/v1/returns/${randomUUID()}`,
      `/api/v1/returns/${ids.smallPo}`,
      `/api/v1/credit-memos/${ids.received}`,
      `/api/v1/purchase-orders/${ids.transfer}`,
      `/api/v1/transfers/${ids.bigPo}`,
    ]) {
      const res = await get(url, rep);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await get(`/api/v1/returns?orderId=${randomUUID()}`, rep)).statusCode).toBe(404);
    expect((await get(`/api/v1/credit-memos?returnId=${randomUUID()}`, rep)).statusCode).toBe(404);
    expect((await get(`/api/v1/purchase-orders?locationId=${randomUUID()}`, rep)).statusCode).toBe(404);
    expect((await get(`/api/v1/transfers?locationId=${randomUUID()}`, rep)).statusCode).toBe(404);
    const bad = await get('/api/v1/returns?status=lost', rep);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/status/);
    expect((await get('/api/v1/returns?cursor=nope', rep)).statusCode).toBe(400);
    expect((await get('/api/v1/transfers?unknown=1', rep)).statusCode).toBe(400);
    for (const url of ['/api/v1/returns', '/api/v1/credit-memos', '/api/v1/purchase-orders', '/api/v1/transfers']) {
      expect((await get(url, {})).statusCode, url).toBe(401);
      expect((await get(url, partner)).statusCode, url).toBe(403);
    }
  });
});

describe('purchasing and transfers over HTTP', () => {
  it('shows approval state; finance approves with the ETag, ops receives, the list follows', async () => {
    const pending = (await get('/api/v1/purchase-orders?status=pending_approval', ops)).json();
    expect(pending.items.map((p: { id: string }) => p.id)).toEqual([ids.bigPo]);
    expect((await get(`/api/v1/purchase-orders?locationId=${w.a.id}`, ops)).json().items.map((p: { id: string }) => p.id)).toEqual([
      ids.smallPo,
    ]);
    const page1 = (await get('/api/v1/purchase-orders?limit=1', ops)).json();
    const page2 = (await get(`/api/v1/purchase-orders?limit=1&cursor=${page1.nextCursor}`, ops)).json();
    expect([...page1.items, ...page2.items].map((p: { id: string }) => p.id).sort()).toEqual([ids.bigPo, ids.smallPo].sort());

    const read = await get(`/api/v1/purchase-orders/${ids.bigPo}`, finance);
    expect(read.json()).toMatchObject({
      status: 'pending_approval',
      totalMinor: 600_000,
      lines: [expect.objectContaining({ sku: w.item.sku, qtyOrdered: 1000, qtyReceived: 0 })],
    });
    expect((await post(`/api/v1/purchase-orders/${ids.bigPo}/approve`, ops)).statusCode).toBe(403);
    expect((await post(`/api/v1/purchase-orders/${ids.bigPo}/approve`, { ...finance, 'if-match': '"v99"' })).statusCode).toBe(412);
    expect(
      (await post(`/api/v1/purchase-orders/${ids.bigPo}/approve`, { ...finance, 'if-match': read.headers.etag as string })).statusCode,
    ).toBe(200);
    const lineIdOf = read.json().lines[0].id;
    expect((await post('/api/v1/receipts', ops, { purchaseOrderId: ids.bigPo, lines: [{ lineId: lineIdOf, qty: 400 }] })).statusCode).toBe(
      201,
    );
    expect((await get(`/api/v1/purchase-orders/${ids.bigPo}`, ops)).json()).toMatchObject({
      status: 'ordered',
      approvedBy: expect.any(String),
      lines: [expect.objectContaining({ qtyReceived: 400 })],
    });
  });

  it('shows transfers with shipped and received; receiving moves the status', async () => {
    const list = (await get(`/api/v1/transfers?locationId=${w.b.id}`, ops)).json();
    expect(list.items).toEqual([
      expect.objectContaining({
        id: ids.transfer,
        status: 'shipped',
        fromLocationId: w.a.id,
        toLocationId: w.b.id,
        lines: [expect.objectContaining({ qtyShipped: 3, qtyReceived: 0 })],
      }),
    ]);
    const line = list.items[0].lines[0].id;
    expect((await post(`/api/v1/transfers/${ids.transfer}/receive`, ops, { lines: [{ lineId: line, qty: 2 }] })).statusCode).toBe(200);
    expect((await get('/api/v1/transfers?status=partially_received', ops)).json().items.map((x: { id: string }) => x.id)).toEqual([
      ids.transfer,
    ]);
    expect((await get(`/api/v1/transfers/${ids.transfer}`, ops)).json().lines[0]).toMatchObject({ qtyShipped: 3, qtyReceived: 2 });
  });
});

describe("document POSTs take the order's ETag", () => {
  it('refuses a stale If-Match on shipment, invoice, return and credit with 412 and writes nothing; release-allocations gives stock back', async () => {
    const order = await createOrder(w.ctx, {
      channelId: w.channel.id,
      accountId: w.accountId,
      lines: [{ itemId: w.item.id, qty: 2, unitPriceMinor: 1000 }],
    });
    const allocated = await post(`/api/v1/orders/${order.id}/allocate`, { ...ops, 'if-match': `"v${order.version}"` });
    expect(allocated.statusCode).toBe(200);
    const etag = allocated.headers.etag as string;
    const detail = (await get(`/api/v1/orders/${order.id}`, ops)).json();
    const stale = { ...ops, 'if-match': `"v${detail.version - 1}"` };
    const before = await t.database.db.selectFrom('shipments').select('id').where('order_id', '=', order.id).execute();
    expect((await post('/api/v1/invoices', { ...finance, 'if-match': `"v${detail.version - 1}"` }, { orderId: order.id })).statusCode).toBe(
      412,
    );
    expect(
      (
        await post('/api/v1/returns', stale, {
          orderId: order.id,
          locationId: w.a.id,
          reason: 'x',
          lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }],
        })
      ).statusCode,
    ).toBe(412);
    expect(
      (
        await post(
          '/api/v1/credit-memos',
          { ...finance, 'if-match': `"v${detail.version - 1}"` },
          { kind: 'goods', orderId: order.id, returnId: ids.open, lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }] },
        )
      ).statusCode,
    ).toBe(412);
    expect((await post(`/api/v1/orders/${order.id}/release`, { ...ops, 'if-match': etag })).statusCode).toBe(200);
    const released = (await get(`/api/v1/orders/${order.id}`, ops)).json();
    expect(
      (await post('/api/v1/shipments', stale, { orderId: order.id, lines: [{ allocationId: released.allocations[0].id, qty: 1 }] }))
        .statusCode,
    ).toBe(412);
    expect(await t.database.db.selectFrom('shipments').select('id').where('order_id', '=', order.id).execute()).toEqual(before);

    expect((await post(`/api/v1/orders/${order.id}/release-allocations`, ops, { reason: 'customer waits' })).statusCode).toBe(428);
    const level = () =>
      t.database.db
        .selectFrom('stock_levels')
        .select('allocated')
        .where('item_id', '=', w.item.id)
        .where('location_id', '=', w.a.id)
        .executeTakeFirstOrThrow();
    const allocatedBefore = (await level()).allocated;
    const back = await post(
      `/api/v1/orders/${order.id}/release-allocations`,
      { ...ops, 'if-match': `"v${released.version}"` },
      { reason: 'customer waits' },
    );
    expect(back.statusCode).toBe(200);
    expect(back.json().lines[0].qty.allocated).toBe(0);
    expect((await level()).allocated).toBe(allocatedBefore - 2);
    expect(
      (await post(`/api/v1/orders/${order.id}/release-allocations`, { ...ops, 'if-match': back.headers.etag as string }, {})).statusCode,
    ).toBe(409);
  });
});
