import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { spread } from '../core/kpi.js';

export type KpiFilter = { from?: Date; to?: Date; channelId?: string };

const hours = (v: string | number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);

/**
 * Order KPIs over orders created in [from, to): cycle time (released → shipped) per channel with p50/p90 and
 * the spread of channel medians, exception rate per control point × channel, hold rate and duration,
 * inventory accuracy from cycle counts, returns turnaround, margin by channel, and adoption of the standard path.
 */
export async function getOrderKpis(ctx: UseCaseContext, filter: KpiFilter) {
  assertCan(ctx.actor, 'kpi.read');
  const db = ctx.db;
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
    from orders join channels c on c.id = orders.channel_id left join held on held.channel_id = orders.channel_id order by c.code`.execute(db),

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
  const cycleTime = cycle.rows.map((r) => ({ channelId: r.channel_id, channel: r.code, orders: Number(r.orders), p50Hours: hours(r.p50), p90Hours: hours(r.p90), p90OverP50: r.p50 && Number(r.p50) > 0 && r.p90 ? Math.round((Number(r.p90) / Number(r.p50)) * 100) / 100 : null }));
  const count = (pred: (r: { outcome: string; on_variant: boolean }) => boolean) => adoption.rows.filter(pred).reduce((a, r) => a + Number(r.n), 0);
  const passedStandard = count((r) => r.outcome === 'pass' && !r.on_variant);
  const passedVariant = count((r) => r.outcome === 'pass' && r.on_variant);
  const overrides = count((r) => r.outcome === 'override');
  const transitions = passedStandard + passedVariant + overrides;

  return {
    from: filter.from?.toISOString() ?? null,
    to: filter.to?.toISOString() ?? null,
    cycleTime: { byChannel: cycleTime, spreadOfMediansHours: hours(spread(cycleTime.map((c) => c.p50Hours))) },
    exceptionRate: exceptions.rows.map((r) => ({ channelId: r.channel_id, channel: r.code, controlPoint: r.control_point, exceptions: Number(r.exceptions), orders: Number(r.orders), rate: Number(r.orders) ? Number(r.exceptions) / Number(r.orders) : 0 })),
    holds: holds.rows.map((r) => ({ channelId: r.channel_id, channel: r.code, orders: Number(r.orders), held: Number(r.held), holdRate: Number(r.orders) ? Number(r.held) / Number(r.orders) : 0, meanHoldHours: hours(r.mean_hours) })),
    inventoryAccuracy: accuracy.rows.map((r) => ({ locationId: r.location_id, location: r.code, counts: Number(r.counts), accuracy: r.accuracy === null ? null : Math.round(Number(r.accuracy) * 10000) / 10000 })),
    returnsTurnaround: { returns: Number(returns.rows[0]?.returns ?? 0), credited: Number(returns.rows[0]?.credited ?? 0), p50Hours: hours(returns.rows[0]?.p50 ?? null), meanHours: hours(returns.rows[0]?.mean ?? null) },
    marginByChannel: margin.rows.map((r) => {
      const net = Number(r.net ?? 0);
      const m = net - Number(r.cost ?? 0) - Number(r.rebate ?? 0);
      return { channelId: r.channel_id, channel: r.code, netMinor: net, costMinor: Number(r.cost ?? 0), rebateMinor: Number(r.rebate ?? 0), marginMinor: m, marginRate: net ? m / net : 0 };
    }),
    adoption: { transitions, standardPath: passedStandard, variantPath: passedVariant, overrides, standardShare: transitions ? passedStandard / transitions : 0, overrideShare: transitions ? overrides / transitions : 0 },
  };
}

export type OrderKpis = Awaited<ReturnType<typeof getOrderKpis>>;

/** One flat CSV: a `metric` column names the section, the rest are that section's fields. */
export function kpisToCsv(k: OrderKpis): string {
  const rows: Array<Record<string, string | number | null>> = [
    ...k.cycleTime.byChannel.map((r) => ({ metric: 'cycle_time', channel: r.channel, dimension: '', value: r.p50Hours, value2: r.p90Hours, count: r.orders })),
    { metric: 'cycle_time_spread', channel: '', dimension: '', value: k.cycleTime.spreadOfMediansHours, value2: null, count: null },
    ...k.exceptionRate.map((r) => ({ metric: 'exception_rate', channel: r.channel, dimension: r.controlPoint, value: r.rate, value2: r.exceptions, count: r.orders })),
    ...k.holds.map((r) => ({ metric: 'hold_rate', channel: r.channel, dimension: '', value: r.holdRate, value2: r.meanHoldHours, count: r.orders })),
    ...k.inventoryAccuracy.map((r) => ({ metric: 'inventory_accuracy', channel: '', dimension: r.location, value: r.accuracy, value2: null, count: r.counts })),
    { metric: 'returns_turnaround', channel: '', dimension: '', value: k.returnsTurnaround.p50Hours, value2: k.returnsTurnaround.meanHours, count: k.returnsTurnaround.returns },
    ...k.marginByChannel.map((r) => ({ metric: 'margin', channel: r.channel, dimension: '', value: r.marginMinor, value2: r.marginRate, count: r.netMinor })),
    { metric: 'adoption', channel: '', dimension: '', value: k.adoption.standardShare, value2: k.adoption.overrideShare, count: k.adoption.transitions },
  ];
  // Leading =, +, -, @ would be formulas in a spreadsheet.
  const safe = (v: string | number | null) => (typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : v);
  return stringify(rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, safe(v)]))), { header: true, columns: ['metric', 'channel', 'dimension', 'value', 'value2', 'count'] });
}
