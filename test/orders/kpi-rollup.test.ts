import { fc } from '@fast-check/vitest';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/database.js';
import { spread } from '../../src/orders/core/kpi.js';
import { type KpiFilter, getOrderKpis } from '../../src/orders/use-cases/get-order-kpis.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const hours = (v: string | number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);

/**
 * The reference: the KPI queries as they were before the rollup, straight over the raw rows (every order,
 * invoice line and cycle time read and aggregated on each call). The rollup-based use case must answer the same.
 */
async function rawOrderKpis(db: Db, filter: KpiFilter) {
  const from = filter.from ?? new Date('1970-01-01T00:00:00Z');
  const to = filter.to ?? new Date('9999-01-01T00:00:00Z');
  const channel = filter.channelId ?? null;
  const scope = sql`o.created_at >= ${from} and o.created_at < ${to} and (${channel}::uuid is null or o.channel_id = ${channel}::uuid)`;

  // Independent aggregates: run side by side on the pool rather than one after another.
  const [cycle, exceptions, holds, accuracy, returns, margin, adoption] = await Promise.all([
    sql<{ channel_id: string; code: string; orders: string; p50: string | null; p90: string | null }>`
    with t as (
      select o.channel_id, extract(epoch from (o.shipped_at - o.released_at)) / 3600 as h
      from sales_orders o
      where ${scope} and o.released_at is not null and o.shipped_at is not null)
    select c.id as channel_id, c.code, count(t.h) as orders,
           percentile_cont(0.5) within group (order by t.h) as p50, percentile_cont(0.9) within group (order by t.h) as p90
    from channels c left join t on t.channel_id = c.id
    where (${channel}::uuid is null or c.id = ${channel}::uuid)
    group by c.id, c.code order by c.code`.execute(db),

    sql<{ channel_id: string; code: string; control_point: string; exceptions: string; orders: string }>`
    with orders as (select o.channel_id, count(*) as n from sales_orders o where ${scope} group by o.channel_id)
    select c.id as channel_id, c.code, e.control_point, count(*) as exceptions, coalesce(max(orders.n), 0) as orders
    from order_exceptions e join sales_orders o on o.id = e.order_id join channels c on c.id = o.channel_id
    left join orders on orders.channel_id = c.id
    where ${scope}
    group by c.id, c.code, e.control_point order by c.code, e.control_point`.execute(db),

    sql<{ channel_id: string; code: string; orders: string; held: string; mean_hours: string | null }>`
    with orders as (select o.channel_id, count(*) as n from sales_orders o where ${scope} group by o.channel_id),
         held as (select o.channel_id, count(distinct h.order_id) as held, avg(extract(epoch from (h.released_at - h.opened_at)) / 3600) as hours
                  from holds h join sales_orders o on o.id = h.order_id where ${scope} group by o.channel_id)
    select c.id as channel_id, c.code, orders.n as orders, coalesce(held.held, 0) as held, held.hours as mean_hours
    from orders join channels c on c.id = orders.channel_id left join held on held.channel_id = orders.channel_id order by c.code`.execute(
      db,
    ),

    sql<{ location_id: string; code: string; counts: string; accuracy: string | null }>`
    select l.id as location_id, l.code, count(*) as counts,
           avg(case when cc.expected = 0 then (case when cc.counted = 0 then 1 else 0 end)
                    else greatest(0, 1 - abs(cc.counted - cc.expected)::numeric / cc.expected) end) as accuracy
    from cycle_counts cc join locations l on l.id = cc.location_id
    where cc.counted_at >= ${from} and cc.counted_at < ${to}
    group by l.id, l.code order by l.code`.execute(db),

    sql<{ returns: string; credited: string; p50: string | null; mean: string | null }>`
    select count(*) as returns, count(r.credited_at) as credited,
           percentile_cont(0.5) within group (order by extract(epoch from (r.credited_at - r.authorized_at)) / 3600) as p50,
           avg(extract(epoch from (r.credited_at - r.authorized_at)) / 3600) as mean
    from return_authorizations r join sales_orders o on o.id = r.order_id where ${scope}`.execute(db),

    sql<{ channel_id: string; code: string; net: string | null; cost: string | null; rebate: string | null }>`
    select c.id as channel_id, c.code, sum(il.net_minor) as net, sum(il.cost_minor) as cost, sum(il.rebate_minor) as rebate
    from invoice_lines il join invoices i on i.id = il.invoice_id join sales_orders o on o.id = i.order_id join channels c on c.id = o.channel_id
    where i.status = 'posted' and ${scope}
    group by c.id, c.code order by c.code`.execute(db),

    sql<{ outcome: string; on_variant: boolean; n: string }>`
    select d.outcome, (d.variant_id is not null) as on_variant, count(*) as n
    from control_decisions d join sales_orders o on o.id = d.order_id
    where ${scope} group by d.outcome, (d.variant_id is not null)`.execute(db),
  ]);
  const cycleTime = cycle.rows.map((r) => ({
    channelId: r.channel_id,
    channel: r.code,
    orders: Number(r.orders),
    p50Hours: hours(r.p50),
    p90Hours: hours(r.p90),
    p90OverP50: r.p50 && Number(r.p50) > 0 && r.p90 ? Math.round((Number(r.p90) / Number(r.p50)) * 100) / 100 : null,
  }));
  const count = (pred: (r: { outcome: string; on_variant: boolean }) => boolean) =>
    adoption.rows.filter(pred).reduce((a, r) => a + Number(r.n), 0);
  const passedStandard = count((r) => r.outcome === 'pass' && !r.on_variant);
  const passedVariant = count((r) => r.outcome === 'pass' && r.on_variant);
  const overrides = count((r) => r.outcome === 'override');
  const transitions = passedStandard + passedVariant + overrides;

  return {
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    cycleTime: { byChannel: cycleTime, spreadOfMediansHours: hours(spread(cycleTime.map((c) => c.p50Hours))) },
    exceptionRate: exceptions.rows.map((r) => ({
      channelId: r.channel_id,
      channel: r.code,
      controlPoint: r.control_point,
      exceptions: Number(r.exceptions),
      orders: Number(r.orders),
      rate: Number(r.orders) ? Number(r.exceptions) / Number(r.orders) : 0,
    })),
    holds: holds.rows.map((r) => ({
      channelId: r.channel_id,
      channel: r.code,
      orders: Number(r.orders),
      held: Number(r.held),
      holdRate: Number(r.orders) ? Number(r.held) / Number(r.orders) : 0,
      meanHoldHours: hours(r.mean_hours),
    })),
    inventoryAccuracy: accuracy.rows.map((r) => ({
      locationId: r.location_id,
      location: r.code,
      counts: Number(r.counts),
      accuracy: r.accuracy === null ? null : Math.round(Number(r.accuracy) * 10000) / 10000,
    })),
    returnsTurnaround: {
      returns: Number(returns.rows[0]?.returns ?? 0),
      credited: Number(returns.rows[0]?.credited ?? 0),
      p50Hours: hours(returns.rows[0]?.p50 ?? null),
      meanHours: hours(returns.rows[0]?.mean ?? null),
    },
    marginByChannel: margin.rows.map((r) => {
      const net = Number(r.net ?? 0);
      const m = net - Number(r.cost ?? 0) - Number(r.rebate ?? 0);
      return {
        channelId: r.channel_id,
        channel: r.code,
        netMinor: net,
        costMinor: Number(r.cost ?? 0),
        rebateMinor: Number(r.rebate ?? 0),
        marginMinor: m,
        marginRate: net ? m / net : 0,
      };
    }),
    adoption: {
      transitions,
      standardPath: passedStandard,
      variantPath: passedVariant,
      overrides,
      standardShare: transitions ? passedStandard / transitions : 0,
      overrideShare: transitions ? overrides / transitions : 0,
    },
  };
}

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 2, 1);

const order = fc.record({
  createdMs: fc.integer({ min: 0, max: 6 * 24 * HOUR }),
  releasedAfterMs: fc.option(fc.integer({ min: 0, max: 30 * HOUR })),
  cycleMs: fc.option(fc.integer({ min: 0, max: 60 * HOUR })),
  shipLater: fc.boolean(),
  invoices: fc.array(
    fc.record({
      status: fc.constantFrom('posted', 'posted', 'draft', 'void'),
      voidLater: fc.boolean(),
      lines: fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 2 },
  ),
  hold: fc.option(fc.integer({ min: 0, max: 20 * HOUR })),
  exception: fc.option(fc.constantFrom('ORDER_RELEASE', 'INVENTORY_ALLOCATION', 'SHIPMENT_CONFIRMATION')),
});
const windowBound = fc.option(fc.integer({ min: -HOUR, max: 7 * 24 * HOUR }));

describe('KPI rollup (property): the rollup-based KPIs equal the raw computation', () => {
  it('over randomized orders, invoices, holds and exceptions, written by inserts and later updates, for random windows', async () => {
    const worlds = [
      await makeWorld(database.db, systemClock, { stock: [0, 0] }),
      await makeWorld(database.db, systemClock, { stock: [0, 0] }),
    ];
    const db = database.db;
    const ctx = worlds[0]!.ctx;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: worlds.length - 1 }), order), { minLength: 1, maxLength: 25 }),
        fc.array(fc.record({ from: windowBound, to: windowBound, channel: fc.option(fc.integer({ min: 0, max: worlds.length - 1 })) }), {
          minLength: 3,
          maxLength: 6,
        }),
        async (orders, windows) => {
          const later: Array<() => Promise<unknown>> = [];
          for (const [wi, o] of orders) {
            const w = worlds[wi]!;
            const created = new Date(BASE + o.createdMs);
            const released = o.releasedAfterMs === null ? null : new Date(created.getTime() + o.releasedAfterMs);
            const shipped = released && o.cycleMs !== null ? new Date(released.getTime() + o.cycleMs) : null;
            const row = await db
              .insertInto('sales_orders')
              .values({
                channel_id: w.channel.id,
                account_id: w.accountId,
                currency: 'USD',
                lifecycle: 'released',
                invoice_policy: 'on_order',
                tax_rate_bp: 0,
                workflow_version: 1,
                gates: '{}',
                created_at: created,
                released_at: released,
                shipped_at: o.shipLater ? null : shipped,
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            if (o.shipLater && shipped)
              later.push(() => db.updateTable('sales_orders').set({ shipped_at: shipped }).where('id', '=', row.id).execute());
            const line = await db
              .insertInto('order_lines')
              .values({ order_id: row.id, line_no: 1, item_id: w.item.id, unit_price_minor: 100, unit_cost_minor: 60, qty_ordered: 5 })
              .returning('id')
              .executeTakeFirstOrThrow();
            for (const inv of o.invoices) {
              const net = inv.lines.reduce((a, b) => a + b, 0);
              const invoice = await db
                .insertInto('invoices')
                .values({
                  order_id: row.id,
                  status: inv.status,
                  net_minor: net,
                  tax_minor: 0,
                  total_minor: net,
                  currency: 'USD',
                  posted_at: created,
                })
                .returning('id')
                .executeTakeFirstOrThrow();
              await db
                .insertInto('invoice_lines')
                .values(
                  inv.lines.map((n) => ({
                    invoice_id: invoice.id,
                    order_line_id: line.id,
                    qty: 1,
                    net_minor: n,
                    cost_minor: Math.floor(n / 2),
                    rebate_minor: Math.floor(n / 50),
                  })),
                )
                .execute();
              if (inv.voidLater && inv.status === 'posted')
                later.push(() => db.updateTable('invoices').set({ status: 'void' }).where('id', '=', invoice.id).execute());
            }
            if (o.hold !== null || o.exception !== null) {
              const decision = await db
                .insertInto('control_decisions')
                .values({
                  control_point: 'ORDER_RELEASE',
                  subject_type: 'sales_order',
                  subject_id: row.id,
                  order_id: row.id,
                  channel_id: w.channel.id,
                  outcome: o.hold === null ? 'fail' : 'hold',
                  rules: '[]',
                  workflow_version: 1,
                  actor_label: 'test',
                  at: created,
                })
                .returning('id')
                .executeTakeFirstOrThrow();
              if (o.hold !== null)
                await db
                  .insertInto('holds')
                  .values({
                    order_id: row.id,
                    control_point: 'ORDER_RELEASE',
                    type: 'credit_limit',
                    reason: 'test',
                    decision_id: decision.id,
                    opened_at: created,
                    released_at: new Date(created.getTime() + o.hold),
                    released_by: '00000000-0000-0000-0000-000000000000',
                  })
                  .execute();
              if (o.exception !== null)
                await db
                  .insertInto('order_exceptions')
                  .values({
                    control_point: o.exception,
                    category: 'test',
                    subject_type: 'sales_order',
                    subject_id: row.id,
                    order_id: row.id,
                    channel_id: w.channel.id,
                    detail: 'test',
                    due_at: created,
                    opened_at: created,
                  })
                  .execute();
            }
          }
          for (const update of later) await update();
          for (const win of windows) {
            const [a, b] = [win.from, win.to].map((ms) => (ms === null ? undefined : new Date(BASE + ms)));
            const filter: KpiFilter = { from: a, to: b, channelId: win.channel === null ? undefined : worlds[win.channel]!.channel.id };
            expect(await getOrderKpis(ctx, filter)).toEqual(await rawOrderKpis(db, filter));
          }
        },
      ),
      { numRuns: 12 },
    );
    // The rollup holds no negative counts and its totals match the raw rows.
    const totals = await sql<{
      rollup: string;
      raw: string;
    }>`select (select sum(orders) from order_kpi_daily) as rollup, (select count(*) from sales_orders) as raw`.execute(db);
    expect(totals.rows[0]!.rollup).toBe(totals.rows[0]!.raw);
    const negative = await sql<{ n: string }>`select count(*) as n from order_kpi_daily where orders < 0 or invoice_lines < 0`.execute(db);
    expect(Number(negative.rows[0]!.n)).toBe(0);
  }, 300_000);
});
