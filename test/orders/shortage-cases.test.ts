import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { getOrderIn } from '../../src/orders/read-order.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { createChannel } from '../../src/orders/use-cases/create-channel.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { resolveException } from '../../src/orders/use-cases/resolve-exception.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

type World = Awaited<ReturnType<typeof makeWorld>>;

const order = (w: World, qty: number, channelId = w.channel.id) =>
  createOrder(w.ctx, { channelId, accountId: w.accountId, lines: [{ itemId: w.item.id, qty, unitPriceMinor: 1000 }] });

const shortageCases = (w: World) =>
  database.db
    .selectFrom('order_exceptions')
    .selectAll()
    .where('subject_type', '=', 'item')
    .where('subject_id', '=', w.item.id)
    .where('category', '=', 'stock_cover')
    .orderBy('opened_at')
    .execute();

/** The case ids each failed allocation decision of these orders names, in order. */
async function casesNamedByDecisions(orderIds: string[]): Promise<string[][]> {
  const rows = await database.db
    .selectFrom('control_decisions')
    .select(['order_id', 'rules'])
    .where('order_id', 'in', orderIds)
    .where('control_point', '=', 'INVENTORY_ALLOCATION')
    .where('outcome', '=', 'fail')
    .execute();
  return orderIds.map((id) => {
    const decision = rows.find((r) => r.order_id === id);
    const rules = (decision?.rules ?? []) as Array<{ exceptionCases?: string[] }>;
    return rules.find((r) => r.exceptionCases)?.exceptionCases ?? [];
  });
}

const openedEvents = async (caseIds: string[]) => ({
  audit: await database.db
    .selectFrom('audit_events')
    .select('entity_id')
    .where('event_name', '=', 'order_exception.opened')
    .where('entity_id', 'in', caseIds)
    .execute(),
  outbox: await database.db
    .selectFrom('outbox_events')
    .select('aggregate_id')
    .where('event_type', '=', 'order_exception.opened')
    .where('aggregate_id', 'in', caseIds)
    .execute(),
});

describe('shortage exception cases', () => {
  it('the first shortage of an item in a channel opens its case; every later one joins it and is recorded by its own failed decision', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [1, 0] });
    const orders = [await order(w, 2), await order(w, 3), await order(w, 5)];
    for (const o of orders) await expect(allocateOrder(w.ctx, o.id)).rejects.toMatchObject({ code: 'rule_violation' });
    const cases = await shortageCases(w);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      control_point: 'INVENTORY_ALLOCATION',
      status: 'open',
      order_id: orders[0]!.id,
      channel_id: w.channel.id,
    });
    expect(await casesNamedByDecisions(orders.map((o) => o.id))).toEqual([[cases[0]!.id], [cases[0]!.id], [cases[0]!.id]]);
    // Opening is a write (audited, emitted, routed); joining writes only the failed decision.
    const events = await openedEvents([cases[0]!.id]);
    expect(events.audit).toHaveLength(1);
    expect(events.outbox).toHaveLength(1);
    // The same order failing again joins too.
    await expect(allocateOrder(w.ctx, orders[0]!.id)).rejects.toMatchObject({ code: 'rule_violation' });
    expect(await shortageCases(w)).toHaveLength(1);
  });

  it('concurrent shortages of one item open one case between them', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [0, 0] });
    const orders = await Promise.all(Array.from({ length: 12 }, () => order(w, 1)));
    const results = await Promise.allSettled(orders.map((o) => allocateOrder(w.ctx, o.id)));
    for (const r of results) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'rule_violation' } });
    const cases = await shortageCases(w);
    expect(cases).toHaveLength(1);
    expect(new Set((await casesNamedByDecisions(orders.map((o) => o.id))).flat())).toEqual(new Set([cases[0]!.id]));
  });

  it('a resolved case is not joined: the next shortage opens a new one; another channel has its own', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [1, 0] });
    await expect(allocateOrder(w.ctx, (await order(w, 4)).id)).rejects.toMatchObject({ code: 'rule_violation' });
    const [first] = await shortageCases(w);
    await resolveException(w.ctx, first!.id, first!.version, { outcome: 'resolved', reason: 'replenishment ordered' });
    const again = await order(w, 4);
    await expect(allocateOrder(w.ctx, again.id)).rejects.toMatchObject({ code: 'rule_violation' });
    const other = await createChannel(w.ctx, {
      code: `${w.channel.code}-B`,
      name: 'Marketplace',
      kind: 'marketplace',
      locationIds: [w.a.id],
      allocationStrategy: 'priority',
      invoicePolicy: 'on_shipment',
      taxRateBp: 1000,
      regionTaxRates: [],
      currency: 'USD',
    });
    const elsewhere = await order(w, 4, other.id);
    await expect(allocateOrder(w.ctx, elsewhere.id)).rejects.toMatchObject({ code: 'rule_violation' });
    const cases = await shortageCases(w);
    expect(cases.map((c) => [c.status, c.channel_id, c.order_id])).toEqual([
      ['resolved', w.channel.id, expect.any(String)],
      ['open', w.channel.id, again.id],
      ['open', other.id, elsewhere.id],
    ]);
    expect(await casesNamedByDecisions([again.id, elsewhere.id])).toEqual([[cases[1]!.id], [cases[2]!.id]]);
  });

  it('a successful allocation answers the view a fresh read returns', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 4] });
    const created = await createOrder(w.ctx, {
      channelId: w.channel.id,
      accountId: w.accountId,
      lines: [
        { itemId: w.item.id, qty: 4, unitPriceMinor: 1250 },
        { itemId: w.item.id, qty: 3, unitPriceMinor: 99_999_999_999 },
      ],
    });
    const view = await allocateOrder(w.ctx, created.id, created.version);
    expect(view).toEqual(await getOrderIn(database.db, created.id));
    expect(view.version).toBe(created.version + 1);
    expect(view.lines.map((l) => l.qty.allocated)).toEqual([4, 3]);
  });
});
