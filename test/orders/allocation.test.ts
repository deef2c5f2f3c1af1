import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { detectStockDrift } from '../../src/orders/use-cases/detect-stock-drift.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const level = (itemId: string, locationId: string) =>
  database.db
    .selectFrom('stock_levels')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('location_id', '=', locationId)
    .executeTakeFirstOrThrow();

describe('allocation', () => {
  it('walks the channel locations in order and splits a line across them, recording each location', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 3] });
    const order = await createOrder(w.ctx, {
      channelId: w.channel.id,
      accountId: w.accountId,
      paymentStatus: 'unpaid',
      lines: [{ itemId: w.item.id, qty: 7, unitPriceMinor: 1000 }],
    });
    const view = await allocateOrder(w.ctx, order.id);
    expect(view.fulfilmentStatus).toBe('allocated');
    const rows = await database.db
      .selectFrom('allocations')
      .select(['location_id', 'qty'])
      .where('order_line_id', '=', view.lines[0]!.id)
      .orderBy('qty', 'desc')
      .execute();
    expect(rows).toEqual([
      { location_id: w.a.id, qty: 5 },
      { location_id: w.b.id, qty: 2 },
    ]);
    expect((await level(w.item.id, w.a.id)).allocated).toBe(5);
    expect((await level(w.item.id, w.b.id)).allocated).toBe(2);
  });

  it('is all or nothing: a shortage allocates nothing, records a failed decision and opens an exception case', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [2, 1] });
    const order = await createOrder(w.ctx, {
      channelId: w.channel.id,
      accountId: w.accountId,
      lines: [
        { itemId: w.item.id, qty: 2, unitPriceMinor: 1000 },
        { itemId: w.item.id, qty: 2, unitPriceMinor: 1000 },
      ],
    });
    await expect(allocateOrder(w.ctx, order.id)).rejects.toMatchObject({ code: 'rule_violation' });
    expect((await level(w.item.id, w.a.id)).allocated).toBe(0);
    const decision = await database.db
      .selectFrom('control_decisions')
      .selectAll()
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ control_point: 'INVENTORY_ALLOCATION', outcome: 'fail' });
    const exception = await database.db
      .selectFrom('order_exceptions')
      .selectAll()
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(exception).toMatchObject({ control_point: 'INVENTORY_ALLOCATION', category: 'stock_cover', status: 'open' });
    expect(exception.due_at.getTime()).toBeGreaterThan(exception.opened_at.getTime());
  });

  it('never oversells the last units under concurrency: exactly the demand that fits succeeds', async () => {
    for (const [stock, clients] of [
      [3, 12],
      [0, 4],
      [5, 20],
    ] as const) {
      const w = await makeWorld(database.db, systemClock, { stock: [stock, 0] });
      const orders = await Promise.all(
        Array.from({ length: clients }, () =>
          createOrder(w.ctx, {
            channelId: w.channel.id,
            accountId: w.accountId,
            lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }],
          }),
        ),
      );
      const results = await Promise.allSettled(orders.map((o) => allocateOrder(w.ctx, o.id)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(stock);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('rule_violation');
      if (stock > 0) expect((await level(w.item.id, w.a.id)).allocated).toBe(stock);
    }
    expect(await detectStockDrift(w0ctx())).toEqual([]);
  });

  it('multi-unit orders racing over two locations: plans made from stale stock are redone, never oversold, never half-allocated', async () => {
    // Each client's plan is made from committed stock without locks; when a level no longer covers its share the
    // conditional update misses, the transaction rolls back and the allocation is planned again (then under locks).
    for (const [stockA, stockB, qtys] of [
      [2, 5, [2, 2, 2, 2, 2, 2, 2, 2]],
      [3, 3, [1, 2, 3, 1, 2, 3, 1, 2, 3, 1]],
      [1, 1, [1, 1, 2, 1, 1]],
    ] as const) {
      const w = await makeWorld(database.db, systemClock, { stock: [stockA, stockB] });
      const orders = await Promise.all(
        qtys.map((qty) =>
          createOrder(w.ctx, {
            channelId: w.channel.id,
            accountId: w.accountId,
            lines: [{ itemId: w.item.id, qty, unitPriceMinor: 1000 }],
          }),
        ),
      );
      const results = await Promise.allSettled(orders.map((o) => allocateOrder(w.ctx, o.id)));
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('rule_violation');
      const won = qtys.filter((_, i) => results[i]!.status === 'fulfilled');
      const lost = qtys.filter((_, i) => results[i]!.status === 'rejected');
      const [a, b] = [await level(w.item.id, w.a.id), await level(w.item.id, w.b.id)];
      expect(a.allocated).toBeLessThanOrEqual(a.on_hand);
      expect(b.allocated).toBeLessThanOrEqual(b.on_hand);
      expect(a.allocated + b.allocated).toBe(won.reduce((x, q) => x + q, 0));
      // No spurious refusal: every loser really did not fit in what is left.
      const free = a.on_hand - a.allocated + b.on_hand - b.allocated;
      for (const q of lost) expect(q).toBeGreaterThan(free);
      // All or nothing per order: each line is either fully allocated (matching its active allocation rows) or untouched.
      for (const [i, o] of orders.entries()) {
        const line = await database.db
          .selectFrom('order_lines')
          .select(['id', 'qty_allocated'])
          .where('order_id', '=', o.id)
          .executeTakeFirstOrThrow();
        const rows = await database.db
          .selectFrom('allocations')
          .select('qty')
          .where('order_line_id', '=', line.id)
          .where('status', '=', 'active')
          .execute();
        const expected = results[i]!.status === 'fulfilled' ? qtys[i]! : 0;
        expect(line.qty_allocated).toBe(expected);
        expect(rows.reduce((x, r) => x + r.qty, 0)).toBe(expected);
      }
    }
    expect(await detectStockDrift(w0ctx())).toEqual([]);
  });

  it('the ledger is append-only for the app role', async () => {
    await expect(database.db.deleteFrom('stock_ledger').execute()).rejects.toThrow();
    await expect(database.db.updateTable('stock_ledger').set({ reason: 'x' }).execute()).rejects.toThrow();
    await expect(database.db.deleteFrom('control_decisions').execute()).rejects.toThrow();
  });

  it('the drift detector opens an exception when a counter disagrees with the ledger, and repairs nothing', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [4, 0] });
    await database.superuser('update stock_levels set on_hand = on_hand + 2 where item_id = $1', [w.item.id]);
    const drifts = await detectStockDrift(w.ctx);
    expect(drifts).toEqual([{ itemId: w.item.id, locationId: w.a.id, field: 'on_hand', counter: 6, truth: 4 }]);
    expect((await level(w.item.id, w.a.id)).on_hand).toBe(6);
    const cases = await database.db
      .selectFrom('order_exceptions')
      .selectAll()
      .where('category', '=', 'stock_drift')
      .where('subject_id', '=', w.item.id)
      .execute();
    expect(cases).toHaveLength(1);
    await detectStockDrift(w.ctx);
    expect(
      await database.db
        .selectFrom('order_exceptions')
        .select('id')
        .where('category', '=', 'stock_drift')
        .where('subject_id', '=', w.item.id)
        .execute(),
    ).toHaveLength(1);
    await database.superuser('update stock_levels set on_hand = on_hand - 2 where item_id = $1', [w.item.id]);
  });
});

const w0ctx = () => ({
  db: database.db,
  clock: systemClock,
  actor: { kind: 'system' as const, role: 'admin' as const, partnerId: null, label: 'test' },
});

describe('cycle counts', () => {
  it('posts a variance to the ledger, and a count below what is allocated records the count and an exception without moving the counter', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 0] });
    const { recordCycleCount } = await import('../../src/orders/use-cases/record-cycle-count.js');
    expect(await recordCycleCount(w.ctx, { itemId: w.item.id, locationId: w.a.id, counted: 4 })).toMatchObject({
      expected: 5,
      counted: 4,
      variance: -1,
    });
    expect((await level(w.item.id, w.a.id)).on_hand).toBe(4);
    const order = await createOrder(w.ctx, {
      channelId: w.channel.id,
      accountId: w.accountId,
      lines: [{ itemId: w.item.id, qty: 3, unitPriceMinor: 1000 }],
    });
    await allocateOrder(w.ctx, order.id);
    await expect(recordCycleCount(w.ctx, { itemId: w.item.id, locationId: w.a.id, counted: 1 })).rejects.toMatchObject({
      code: 'rule_violation',
    });
    expect((await level(w.item.id, w.a.id)).on_hand).toBe(4);
    expect(
      await database.db.selectFrom('cycle_counts').select('counted').where('item_id', '=', w.item.id).orderBy('counted_at').execute(),
    ).toEqual([{ counted: 4 }, { counted: 1 }]);
    expect(
      await database.db.selectFrom('order_exceptions').select('category').where('category', '=', 'count_below_allocated').execute(),
    ).toHaveLength(1);
    expect(await detectStockDrift(w.ctx)).toEqual([]);
  });
});
