import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { settled } from './settle.js';
import { makeWorld } from '../orders/world.js';

let t: TestApp;
let integration: Awaited<ReturnType<TestApp['userWithToken']>>;
let world: Awaited<ReturnType<typeof makeWorld>>;
beforeAll(async () => {
  t = await createTestApp();
  integration = await t.userWithToken('integration');
  await settled(t);
  world = await makeWorld(t.database.db, t.clock, { stock: [20, 0] });
});
afterAll(() => t.close());

const put = (path: string, payload: object) =>
  t.app.inject({ method: 'PUT', url: `/api/v1/sync/${path}`, headers: integration.headers, payload });
const events = async (aggregateId: string) =>
  (await t.database.superuser('select event_type from outbox_events where aggregate_id = $1 order by seq', [aggregateId])).rows.map(
    (r) => r.event_type as string,
  );

describe('inbound sync of opportunities, items, customers, stock counts and orders', () => {
  it('opportunities: created through the native use case (routed, audited), referring to a synced account by its external id; newer versions update', async () => {
    const account = (await put('crm/accounts/A-1', { version: 1, data: { name: 'Opp Account', region: 'EMEA' } })).json();
    const first = await put('crm/opportunities/O-1', { version: 1, data: { name: 'Deal', accountExternalId: 'A-1', amount: 1000 } });
    expect(first.statusCode, first.body).toBe(200);
    const { recordId } = first.json();
    const row = (await t.database.superuser('select account_id, stage, amount, region from opportunities where id = $1', [recordId]))
      .rows[0];
    expect(row).toEqual({ account_id: account.recordId, stage: 'Prospecting', amount: '1000', region: 'EMEA' });
    expect(await events(recordId)).toEqual(expect.arrayContaining(['opportunity.created']));
    // routing ran like for a native create: there is a decision (an assignment or an unassigned event)
    expect((await events(recordId)).some((e) => e === 'assignment.created' || e === 'record.unassigned')).toBe(true);

    expect((await put('crm/opportunities/O-1', { version: 3, data: { name: 'Deal', stage: 'Qualification' } })).json()).toMatchObject({
      applied: true,
      created: false,
    });
    expect((await put('crm/opportunities/O-1', { version: 2, data: { name: 'Deal v2', amount: 1 } })).json()).toMatchObject({
      applied: false,
      reason: 'stale',
      version: 3,
    });
    const after = (await t.database.superuser('select name, stage, amount from opportunities where id = $1', [recordId])).rows[0];
    // the omitted amount kept its value; the create default stage did not come back
    expect(after).toEqual({ name: 'Deal', stage: 'Qualification', amount: '1000' });
    expect(await events(recordId)).toContain('opportunity.stage_changed');
    const audit = await t.database.superuser(
      "select reason from audit_events where entity_id = $1 and event_name = 'opportunity.stage_changed'",
      [recordId],
    );
    expect(audit.rows[0]!.reason).toBe('sync from crm (version 3)');

    const unknown = await put('crm/opportunities/O-2', { version: 1, data: { name: 'Orphan', accountExternalId: 'nope' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors.map((e: { path: string }) => e.path)).toEqual(['data.accountExternalId']);
    expect((await t.database.superuser("select count(*)::int as n from opportunities where name = 'Orphan'")).rows[0]!.n).toBe(0);
  });

  it('items: created, updated (item.updated), and a changed SKU is refused', async () => {
    const first = await put('erp/items/I-9', { version: 1, data: { sku: 'ERP-9', name: 'Bolt', unitCostMinor: 12 } });
    expect(first.statusCode, first.body).toBe(200);
    const { recordId } = first.json();
    expect((await put('erp/items/I-9', { version: 2, data: { sku: 'ERP-9', name: 'Bolt M8', unitCostMinor: 14 } })).json()).toMatchObject({
      applied: true,
      created: false,
    });
    expect((await t.database.superuser('select sku, name, unit_cost_minor from items where id = $1', [recordId])).rows[0]).toEqual({
      sku: 'ERP-9',
      name: 'Bolt M8',
      unit_cost_minor: '14',
    });
    expect(await events(recordId)).toEqual(['item.created', 'item.updated']);
    const renamed = await put('erp/items/I-9', { version: 3, data: { sku: 'ERP-10', name: 'Bolt', unitCostMinor: 14 } });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().errors[0].path).toBe('data.sku');
    const extra = await put('erp/items/I-10', { version: 1, data: { sku: 'ERP-10', name: 'Nut', unitCostMinor: 1, colour: 'red' } });
    expect(extra.statusCode).toBe(400);
    expect((await t.database.superuser("select last_version from external_ids where external_id = 'I-9'")).rows[0]!.last_version).toBe('2');
  });

  it('customers: set the terms of an account (by our id or the external account id); a customer stays on its account', async () => {
    await put('erp/accounts/CUST-A', { version: 1, data: { name: 'Terms Account' } });
    const first = await put('erp/customers/C-7', {
      version: 1,
      data: { accountExternalId: 'CUST-A', tier: 'silver', creditLimitMinor: 50_000, paymentTerms: 'net30' },
    });
    expect(first.statusCode, first.body).toBe(200);
    const accountId = first.json().recordId as string;
    expect(
      (
        await put('erp/customers/C-7', { version: 2, data: { accountId, tier: 'gold', creditLimitMinor: 90_000, paymentTerms: 'net60' } })
      ).json(),
    ).toMatchObject({ applied: true, created: false });
    expect(
      (await t.database.superuser('select tier, credit_limit_minor, payment_terms from customer_terms where account_id = $1', [accountId]))
        .rows[0],
    ).toEqual({ tier: 'gold', credit_limit_minor: '90000', payment_terms: 'net60' });
    expect((await events(accountId)).filter((e) => e === 'customer_terms.set')).toHaveLength(2);
    const moved = await put('erp/customers/C-7', {
      version: 3,
      data: { accountId: world.accountId, tier: 'gold', creditLimitMinor: 1, paymentTerms: 'net60' },
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors[0].path).toBe('data.accountId');
    const neither = await put('erp/customers/C-8', { version: 1, data: { tier: 'x', creditLimitMinor: 1, paymentTerms: 'net30' } });
    expect(neither.statusCode).toBe(400);
  });

  it('stock counts: each newer version is a cycle count through the native use case; older ones are ignored', async () => {
    const count = (version: number, counted: number) =>
      put('wms/stock-counts/BIN-1', { version, data: { itemId: world.item.id, locationId: world.a.id, counted } });
    const onHand = async () =>
      (await t.database.superuser('select on_hand from stock_levels where item_id = $1 and location_id = $2', [world.item.id, world.a.id]))
        .rows[0]!.on_hand;
    expect((await count(1, 18)).json()).toMatchObject({ applied: true, created: true });
    expect(await onHand()).toBe(18);
    expect((await count(3, 25)).json()).toMatchObject({ applied: true, created: false });
    expect((await count(2, 5)).json()).toMatchObject({ applied: false, reason: 'stale' });
    expect(await onHand()).toBe(25);
    const counts = await t.database.superuser('select expected, counted from cycle_counts where item_id = $1 order by counted_at', [
      world.item.id,
    ]);
    expect(counts.rows).toEqual([
      { expected: 20, counted: 18 },
      { expected: 18, counted: 25 },
    ]);
    const ledger = await t.database.superuser("select count(*)::int as n from outbox_events where event_type = 'stock.counted'");
    expect(ledger.rows[0]!.n).toBe(2);
  });

  it('orders: created once through create-order (the external id maps to the order); the same content again is unchanged, other content is a conflict', async () => {
    await put('shop/items/W-1', { version: 1, data: { sku: 'SHOP-W-1', name: 'Shop widget', unitCostMinor: 100 } });
    const data = {
      channelId: world.channel.id,
      accountId: world.accountId,
      lines: [{ itemId: world.item.id, qty: 2, unitPriceMinor: 1500 }],
    };
    const first = await put('shop/orders/SO-1', { version: 1, data });
    expect(first.statusCode, first.body).toBe(200);
    const orderId = first.json().recordId as string;
    expect(await events(orderId)).toContain('order.created');
    expect((await put('shop/orders/SO-1', { version: 2, data })).json()).toEqual({
      applied: false,
      reason: 'unchanged',
      recordId: orderId,
      version: 2,
    });
    expect((await put('shop/orders/SO-1', { version: 2, data })).json()).toMatchObject({ applied: false, reason: 'duplicate' });
    const changed = await put('shop/orders/SO-1', {
      version: 3,
      data: { ...data, lines: [{ itemId: world.item.id, qty: 3, unitPriceMinor: 1500 }] },
    });
    expect(changed.statusCode).toBe(409);
    expect(
      (await t.database.superuser('select count(*)::int as n from sales_orders where account_id = $1', [world.accountId])).rows[0]!.n,
    ).toBe(1);
    // an order line may name a synced item by its external id
    const byRef = await put('shop/orders/SO-2', {
      version: 1,
      data: { channelId: world.channel.id, accountId: world.accountId, lines: [{ itemExternalId: 'W-1', qty: 1, unitPriceMinor: 10 }] },
    });
    expect(byRef.statusCode, byRef.body).toBe(200);
    const badRef = await put('shop/orders/SO-3', {
      version: 1,
      data: { channelId: world.channel.id, accountId: world.accountId, lines: [{ itemExternalId: 'W-404', qty: 1 }] },
    });
    expect(badRef.statusCode).toBe(400);
    expect(badRef.json().errors[0].path).toBe('data.lines.0.itemExternalId');
  });
});

describe('bulk NDJSON sync', () => {
  const bulk = (source: string, body: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/sync/${source}/bulk`,
      headers: { ...integration.headers, 'content-type': 'application/x-ndjson', ...headers },
      payload: body,
    });

  it('applies each line in its own transaction and reports applied, stale, duplicate and failed lines with line numbers', async () => {
    const lines = [
      { type: 'accounts', externalId: 'B-1', version: 2, data: { name: 'Bulk Co v2' } },
      { type: 'accounts', externalId: 'B-1', version: 1, data: { name: 'Bulk Co v1' } },
      '',
      '{not json',
      { type: 'leads', externalId: 'L-1', version: 1, data: { name: 'Bulk lead', accountId: '00000000-0000-4000-8000-000000000000' } },
      { type: 'widgets', externalId: 'W', version: 1, data: {} },
      { type: 'leads', externalId: 'L-2', version: 1, data: { name: 'Good lead' } },
      { type: 'accounts', externalId: 'B-1', version: 2, data: { name: 'Bulk Co v2 again' } },
      { type: 'opportunities', externalId: 'OP-1', version: 1, data: { name: 'Bulk deal', accountExternalId: 'B-1' } },
    ];
    const body = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\r\n') + '\n';
    const res = await bulk('bulkcrm', body);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result.complete).toBe(true);
    expect(result.counts).toEqual({ lines: 8, applied: 3, stale: 1, duplicate: 1, unchanged: 0, failed: 3 });
    const byLine = Object.fromEntries(result.results.map((r: { line: number }) => [r.line, r]));
    expect(byLine[1]).toMatchObject({ status: 'applied', created: true, type: 'accounts', externalId: 'B-1' });
    expect(byLine[2]).toMatchObject({ status: 'stale', version: 2 });
    expect(byLine[3]).toBeUndefined();
    expect(byLine[4]).toMatchObject({ status: 'failed', error: { code: 'validation_failed' } });
    expect(byLine[5]).toMatchObject({
      status: 'failed',
      type: 'leads',
      externalId: 'L-1',
      error: { code: 'validation_failed', errors: [{ path: 'data.accountId' }] },
    });
    expect(byLine[6]).toMatchObject({ status: 'failed', error: { errors: [{ path: 'type' }] } });
    expect(byLine[7]).toMatchObject({ status: 'applied', created: true });
    expect(byLine[8]).toMatchObject({ status: 'duplicate' });
    expect(byLine[9]).toMatchObject({ status: 'applied', created: true, type: 'opportunities' });
    // the failed lines left nothing behind; the good ones around them committed
    expect((await t.database.superuser("select count(*)::int as n from leads where name = 'Bulk lead'")).rows[0]!.n).toBe(0);
    expect((await t.database.superuser("select count(*)::int as n from leads where name = 'Good lead'")).rows[0]!.n).toBe(1);
    expect((await t.database.superuser('select name from accounts where id = $1', [byLine[1].recordId])).rows[0]!.name).toBe('Bulk Co v2');
  });

  it('refuses an over-long line without stopping, and stops reading past the record limit', async () => {
    const long = JSON.stringify({ type: 'leads', externalId: 'LONG', version: 1, data: { name: 'x'.repeat(300 * 1024) } });
    const res = await bulk(
      'limits',
      [long, JSON.stringify({ type: 'leads', externalId: 'AFTER', version: 1, data: { name: 'After the long one' } })].join('\n'),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().results).toMatchObject([
      { line: 1, status: 'failed', error: { code: 'payload_too_large' } },
      { line: 2, status: 'applied' },
    ]);
  });

  it('needs application/x-ndjson, takes no Idempotency-Key, and is for integration managers only', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sync/x/bulk',
      headers: { ...integration.headers, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(json.statusCode).toBe(415);
    const keyed = await bulk('x', '', { 'idempotency-key': 'k1' });
    expect(keyed.statusCode).toBe(400);
    const rep = await t.userWithToken('sales_rep');
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sync/x/bulk',
      headers: { ...rep.headers, 'content-type': 'application/x-ndjson' },
      payload: '',
    });
    expect(forbidden.statusCode).toBe(403);
    const badSource = await bulk('Bad Source', '');
    expect(badSource.statusCode).toBe(400);
  });
});
