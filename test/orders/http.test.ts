import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let admin: { authorization: string };
let ops: { authorization: string };
let opsId: string;
let revops: { authorization: string };
let finance: { authorization: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.userWithToken('admin')).headers;
  const o = await t.userWithToken('ops');
  ops = o.headers;
  opsId = o.id;
  revops = (await t.userWithToken('revops')).headers;
  finance = (await t.userWithToken('finance')).headers;
});
afterAll(() => t.close());

const post = (url: string, headers: Record<string, string>, payload: unknown = {}) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });

describe('orders over HTTP', () => {
  it('runs order → allocate → release → ship → invoice with If-Match on transitions, and reports KPIs as JSON and CSV', async () => {
    const loc = (await post('/api/v1/locations', ops, { code: 'H-1', name: 'Hub', kind: 'warehouse' })).json();
    const item = (await post('/api/v1/items', ops, { sku: 'H-SKU', name: 'Thing', unitCostMinor: 400 })).json();
    const channelRes = await post('/api/v1/channels', revops, { code: 'H-WEB', name: 'Web', kind: 'ecommerce', locationIds: [loc.id], taxRateBp: 500, opsOwnerId: opsId });
    expect(channelRes.statusCode).toBe(201);
    const channel = channelRes.json();
    expect((await post('/api/v1/price-lists', revops, { name: 'Web list', channelId: channel.id, validFrom: '2020-01-01T00:00:00Z', items: [{ itemId: item.id, unitPriceMinor: 1000 }, { itemId: item.id, minQuantity: 5, unitPriceMinor: 900 }] })).statusCode).toBe(201);
    const now = new Date().toISOString();
    const account = await t.database.db.insertInto('accounts').values({ name: 'HTTP customer', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    expect((await t.app.inject({ method: 'PUT', url: `/api/v1/accounts/${account.id}/terms`, headers: revops, payload: { tier: 'silver', creditLimitMinor: 100000, paymentTerms: 'net30' } })).statusCode).toBe(200);
    expect((await post('/api/v1/stock/adjustments', ops, { itemId: item.id, locationId: loc.id, delta: 10, reason: 'opening' })).json()).toMatchObject({ onHand: 10 });

    expect((await post('/api/v1/orders', ops, { channelId: channel.id, accountId: account.id, lines: [{ itemId: item.id, qty: -1 }] })).statusCode).toBe(400);
    expect((await post('/api/v1/orders', ops, { channelId: channel.id, accountId: account.id, lines: [{ itemId: item.id, qty: 1.5 }] })).statusCode).toBe(400);
    const created = await post('/api/v1/orders', ops, { channelId: channel.id, accountId: account.id, lines: [{ itemId: item.id, qty: 6 }] });
    expect(created.statusCode).toBe(201);
    const order = created.json();
    expect(order.lines[0].unitPriceMinor).toBe(900);

    expect((await post(`/api/v1/orders/${order.id}/allocate`, ops)).statusCode).toBe(428);
    expect((await post(`/api/v1/orders/${order.id}/allocate`, { ...ops, 'if-match': '"v9"' })).statusCode).toBe(412);
    const allocated = await post(`/api/v1/orders/${order.id}/allocate`, { ...ops, 'if-match': created.headers.etag as string });
    expect(allocated.statusCode).toBe(200);
    const released = await post(`/api/v1/orders/${order.id}/release`, { ...ops, 'if-match': allocated.headers.etag as string });
    expect(released.json().decision.outcome).toBe('pass');

    const detail = (await t.app.inject({ method: 'GET', url: `/api/v1/orders/${order.id}`, headers: ops })).json();
    expect(detail.decisions.map((d: { controlPoint: string }) => d.controlPoint)).toEqual(['INVENTORY_ALLOCATION', 'ORDER_RELEASE']);
    const shipment = (await post('/api/v1/shipments', ops, { orderId: order.id, lines: [{ allocationId: detail.allocations[0].id, qty: 6 }] })).json();
    expect((await post(`/api/v1/shipments/${shipment.id}/confirm`, ops)).statusCode).toBe(200);
    expect((await post('/api/v1/invoices', ops, { orderId: order.id })).statusCode).toBe(403);
    const invoice = await post('/api/v1/invoices', finance, { orderId: order.id });
    expect(invoice.json()).toMatchObject({ netMinor: 5400, taxMinor: 270, totalMinor: 5670 });

    const list = (await t.app.inject({ method: 'GET', url: `/api/v1/orders?channelId=${channel.id}`, headers: ops })).json();
    expect(list.items.map((o: { status: string }) => o.status)).toEqual(['closed']);
    const kpis = await t.app.inject({ method: 'GET', url: `/api/v1/kpis/orders?channel=${channel.id}`, headers: finance });
    expect(kpis.statusCode).toBe(200);
    expect(kpis.json().marginByChannel[0]).toMatchObject({ channel: 'H-WEB', netMinor: 5400, marginMinor: 3000 });
    expect(kpis.json().cycleTime.byChannel[0].orders).toBe(1);
    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/kpis/orders/csv', headers: finance });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('metric,channel,dimension,value,value2,count');
  });

  it('registers variants that only tighten, refuses activation without governance, and pins new orders', async () => {
    const loc = (await post('/api/v1/locations', ops, { code: 'V-1', name: 'V', kind: 'warehouse' })).json();
    const channel = (await post('/api/v1/channels', admin, { code: 'V-WS', name: 'Wholesale', kind: 'wholesale', locationIds: [loc.id] })).json();
    const loose = await post('/api/v1/variants', revops, { channelId: channel.id, overlay: { ORDER_RELEASE: [{ type: 'margin_floor', minMarginBp: -500 }] } });
    expect(loose.statusCode).toBe(400);
    expect(loose.json().errors[0].path).toBe('overlay.ORDER_RELEASE[0]');
    const bare = (await post('/api/v1/variants', revops, { channelId: channel.id, overlay: { ORDER_RELEASE: [{ type: 'manual_approval' }] } })).json();
    const refused = await post(`/api/v1/variants/${bare.id}/activate`, revops);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors.map((e: { path: string }) => e.path)).toEqual(['ownerId', 'rationale', 'supportModel', 'reviewBy']);
    const good = (
      await post('/api/v1/variants', revops, { channelId: channel.id, overlay: { ORDER_RELEASE: [{ type: 'manual_approval' }] }, ownerId: opsId, rationale: 'large B2B orders', supportModel: 'ops desk', reviewBy: new Date(Date.now() + 86_400_000).toISOString() })
    ).json();
    expect((await post(`/api/v1/variants/${good.id}/activate`, revops)).json().status).toBe('active');
    const registry = (await t.app.inject({ method: 'GET', url: '/api/v1/variants', headers: ops })).json();
    expect(registry.variants.find((v: { id: string }) => v.id === good.id).diff).toEqual([expect.objectContaining({ controlPoint: 'ORDER_RELEASE', change: 'added' })]);
  });

  it('lists exception cases and resolves one with If-Match; a stale ETag is refused', async () => {
    const loc = (await post('/api/v1/locations', ops, { code: 'X-1', name: 'X', kind: 'warehouse' })).json();
    const item = (await post('/api/v1/items', ops, { sku: 'X-SKU', name: 'Scarce', unitCostMinor: 100 })).json();
    const channel = (await post('/api/v1/channels', admin, { code: 'X-CH', name: 'X', kind: 'marketplace', locationIds: [loc.id], opsOwnerId: opsId })).json();
    const now = new Date().toISOString();
    const account = await t.database.db.insertInto('accounts').values({ name: 'X customer', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
    const created = await post('/api/v1/orders', ops, { channelId: channel.id, accountId: account.id, lines: [{ itemId: item.id, qty: 3, unitPriceMinor: 500 }] });
    const refused = await post(`/api/v1/orders/${created.json().id}/allocate`, { ...ops, 'if-match': created.headers.etag as string });
    expect(refused.statusCode).toBe(422);
    const list = (await t.app.inject({ method: 'GET', url: `/api/v1/exceptions?status=open&channelId=${channel.id}`, headers: ops })).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ controlPoint: 'INVENTORY_ALLOCATION', category: 'stock_cover', ownerId: opsId });
    const resolve = (etag: string) => t.app.inject({ method: 'POST', url: `/api/v1/exceptions/${list.items[0].id}/resolve`, headers: { ...finance, 'if-match': etag }, payload: { outcome: 'waived', reason: 'customer will wait' } });
    expect((await resolve(`"v${list.items[0].version}"`)).json()).toMatchObject({ status: 'waived' });
    expect((await resolve(`"v${list.items[0].version}"`)).statusCode).toBe(412);
  });
});
