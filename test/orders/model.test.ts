import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import { lineViolations } from '../../src/orders/core/quantities.js';
import { quantitiesOf } from '../../src/orders/store.js';
import { adjustStock } from '../../src/orders/use-cases/adjust-stock.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { authorizeReturn } from '../../src/orders/use-cases/authorize-return.js';
import { cancelOrder } from '../../src/orders/use-cases/cancel-order.js';
import { confirmShipment } from '../../src/orders/use-cases/confirm-shipment.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { createShipment } from '../../src/orders/use-cases/create-shipment.js';
import { detectStockDrift } from '../../src/orders/use-cases/detect-stock-drift.js';
import { receiveReturn } from '../../src/orders/use-cases/receive-return.js';
import { receiveTransfer } from '../../src/orders/use-cases/receive-transfer.js';
import { recordCycleCount } from '../../src/orders/use-cases/record-cycle-count.js';
import { releaseOrder } from '../../src/orders/use-cases/release-order.js';
import { shipTransfer } from '../../src/orders/use-cases/ship-transfer.js';
import { AppError } from '../../src/platform/errors.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

type World = Awaited<ReturnType<typeof makeWorld>>;
type Model = { orders: string[] };
type Real = { w: World };

/** Business refusals (4xx) are legal outcomes of a random history; anything else is a bug. */
async function tolerate(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof AppError) || ['internal', 'service_unavailable'].includes(error.code)) throw error;
  }
}

const pick = (list: string[], i: number) => list[i % list.length]!;

const commands = [
  fc.integer({ min: 1, max: 6 }).map((qty) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const order = await createOrder(r.w.ctx, { channelId: r.w.channel.id, accountId: r.w.accountId, paymentStatus: 'paid', lines: [{ itemId: r.w.item.id, qty, unitPriceMinor: 1000 }] });
      m.orders.push(order.id);
      await tolerate(() => allocateOrder(r.w.ctx, order.id));
      await tolerate(() => releaseOrder(r.w.ctx, order.id));
    },
    toString: () => `order+allocate+release ${qty}`,
  })),
  fc.nat().map((i) => ({ check: (m: Model) => m.orders.length > 0, run: async (m: Model, r: Real) => tolerate(() => releaseOrder(r.w.ctx, pick(m.orders, i))), toString: () => `release #${i}` })),
  fc.nat().map((i) => ({ check: (m: Model) => m.orders.length > 0, run: async (m: Model, r: Real) => tolerate(() => allocateOrder(r.w.ctx, pick(m.orders, i))), toString: () => `allocate #${i}` })),
  fc.record({ i: fc.nat(), part: fc.integer({ min: 1, max: 3 }) }).map(({ i, part }) => ({
    check: (m: Model) => m.orders.length > 0,
    run: async (m: Model, r: Real) => {
      const candidates = await database.db
        .selectFrom('allocations')
        .innerJoin('order_lines', 'order_lines.id', 'allocations.order_line_id')
        .select(['allocations.id', 'allocations.qty', 'order_lines.order_id'])
        .where('order_lines.order_id', 'in', m.orders)
        .where('allocations.status', '=', 'active')
        .orderBy('allocations.id')
        .execute();
      if (candidates.length === 0) return;
      const alloc = candidates[i % candidates.length]!;
      const orderId = alloc.order_id;
      await tolerate(async () => {
        const shipment = await createShipment(r.w.ctx, { orderId, lines: [{ allocationId: alloc.id, qty: Math.min(part, alloc.qty) }] });
        await confirmShipment(r.w.ctx, shipment.id);
      });
    },
    toString: () => `ship #${i} part ${part}`,
  })),
  fc.record({ i: fc.nat(), how: fc.constantFrom('restock', 'quarantine', 'scrap') }).map(({ i, how }) => ({
    check: (m: Model) => m.orders.length > 0,
    run: async (m: Model, r: Real) => {
      const returnable = await database.db.selectFrom('order_lines').selectAll().where('order_id', 'in', m.orders).whereRef('qty_shipped', '>', 'qty_return_authorized').orderBy('id').execute();
      if (returnable.length === 0) return;
      const line = returnable[i % returnable.length]!;
      const orderId = line.order_id;
      await tolerate(async () => {
        const ra = await authorizeReturn(r.w.ctx, { orderId, locationId: r.w.b.id, reason: 'model', lines: [{ orderLineId: line.id, qty: 1 }] });
        await receiveReturn(r.w.ctx, ra.id, undefined, { lines: [{ returnLineId: ra.lines[0]!.id, restock: how === 'restock' ? 1 : 0, quarantine: how === 'quarantine' ? 1 : 0, scrap: how === 'scrap' ? 1 : 0 }] });
      });
    },
    toString: () => `return #${i} ${how}`,
  })),
  fc.nat().map((i) => ({ check: (m: Model) => m.orders.length > 0, run: async (m: Model, r: Real) => tolerate(() => cancelOrder(r.w.ctx, pick(m.orders, i), undefined, 'model')), toString: () => `cancel #${i}` })),
  fc.record({ atB: fc.boolean(), delta: fc.integer({ min: -4, max: 6 }).filter((d) => d !== 0) }).map(({ atB, delta }) => ({
    check: () => true,
    run: async (_m: Model, r: Real) => tolerate(() => adjustStock(r.w.ctx, { itemId: r.w.item.id, locationId: atB ? r.w.b.id : r.w.a.id, delta, reason: 'model' })),
    toString: () => `adjust ${atB ? 'B' : 'A'} ${delta}`,
  })),
  fc.record({ qty: fc.integer({ min: 1, max: 4 }), receive: fc.integer({ min: 0, max: 4 }) }).map(({ qty, receive }) => ({
    check: () => true,
    run: async (_m: Model, r: Real) =>
      tolerate(async () => {
        const t = await shipTransfer(r.w.ctx, { fromLocationId: r.w.a.id, toLocationId: r.w.b.id, transitLocationId: r.w.transit.id, lines: [{ itemId: r.w.item.id, qty }] });
        if (receive > 0) await receiveTransfer(r.w.ctx, t.id, { lines: [{ lineId: t.lines[0]!.id, qty: Math.min(receive, qty) }] });
      }),
    toString: () => `transfer ${qty} receive ${receive}`,
  })),
  fc.record({ atB: fc.boolean(), off: fc.integer({ min: -2, max: 2 }) }).map(({ atB, off }) => ({
    check: () => true,
    run: async (_m: Model, r: Real) => {
      const locationId = atB ? r.w.b.id : r.w.a.id;
      const level = await database.db.selectFrom('stock_levels').select('on_hand').where('item_id', '=', r.w.item.id).where('location_id', '=', locationId).executeTakeFirst();
      if (level) await tolerate(() => recordCycleCount(r.w.ctx, { itemId: r.w.item.id, locationId, counted: Math.max(0, level.on_hand + off) }));
    },
    toString: () => `count ${atB ? 'B' : 'A'} ${off >= 0 ? '+' : ''}${off}`,
  })),
];

async function invariantsHold(r: Real): Promise<void> {
  expect(await detectStockDrift(r.w.ctx)).toEqual([]);
  const lines = await database.db.selectFrom('order_lines').innerJoin('sales_orders', 'sales_orders.id', 'order_lines.order_id').selectAll('order_lines').select('sales_orders.invoice_policy').where('sales_orders.channel_id', '=', r.w.channel.id).execute();
  for (const l of lines) expect(lineViolations(quantitiesOf(l), l.invoice_policy)).toEqual([]);
  const active = await database.db.selectFrom('allocations').select(['order_line_id', (eb) => eb.fn.sum<string>('qty').as('qty')]).where('item_id', '=', r.w.item.id).where('status', '=', 'active').groupBy('order_line_id').execute();
  for (const a of active) expect(Number(a.qty)).toBe(lines.find((l) => l.id === a.order_line_id)!.qty_allocated);
}

describe('model-based histories (fast-check commands) on the real database', () => {
  it('after every command the ledger matches the counters, nothing is negative and every line invariant holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands.map((arb) => arb.map((c) => ({ ...c, run: async (m: Model, r: Real) => { await c.run(m, r); await invariantsHold(r); } }))), { maxCommands: 30, size: 'max' }), async (cmds) => {
        const w = await makeWorld(database.db, systemClock, { stock: [6, 2] });
        await fc.asyncModelRun(() => ({ model: { orders: [] }, real: { w } }), cmds);
      }),
      { numRuns: Number(process.env.ORDERS_MODEL_RUNS ?? 8) },
    );
    // The histories really ran: orders, shipments, returns and transfers exist.
    const count = async (table: 'sales_orders' | 'shipments' | 'stock_ledger') => Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('sales_orders')).toBeGreaterThan(5);
    expect(await count('stock_ledger')).toBeGreaterThan(20);
    console.log(`model histories: ${await count('sales_orders')} orders, ${await count('shipments')} shipments, ${await count('stock_ledger')} ledger rows`);
  }, 180_000);
});
