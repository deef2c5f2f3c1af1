import { sql } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { Executor } from '../../platform/db/database.js';
import { percentileContRanks, percentileContValue, rankInHistogram, splitKpiWindow, spread } from '../core/kpi.js';

export type KpiFilter = { from?: Date; to?: Date; channelId?: string };

const hours = (v: string | number | null) => (v === null ? null : Math.round(Number(v) * 100) / 100);

type Bound = ReturnType<typeof sql.raw>;

/**
 * Order KPIs over orders created in [from, to): cycle time (released → shipped) per channel with p50/p90 and
 * the spread of channel medians, exception rate per control point × channel, hold rate and duration,
 * inventory accuracy from cycle counts, returns turnaround, margin by channel, and adoption of the standard path.
 *
 * Orders per channel, margin and the cycle-time histogram come from the daily rollup (migration 0013, kept
 * current by triggers in every writing transaction) for the whole UTC days of the window and from the raw rows
 * for its partial-day edges, so the answer is exactly the raw computation's. Cycle-time percentiles stay exact:
 * the histogram of whole hours says which hour bucket holds each rank percentile_cont reads, and only that
 * bucket's rows are read and sorted (an index range on channel × bucket × created_at).
 */
export async function getOrderKpis(ctx: UseCaseContext, filter: KpiFilter) {
  assertCan(ctx.actor, 'kpi.read');
  const db = ctx.db;
  const from = filter.from ?? new Date('1970-01-01T00:00:00Z');
  const to = filter.to ?? new Date('9999-01-01T00:00:00Z');
  const channel = filter.channelId ?? null;
  const scope = sql`o.created_at >= ${from} and o.created_at < ${to} and (${channel}::uuid is null or o.channel_id = ${channel}::uuid)`;
  const window = splitKpiWindow(from, to);
  const inDays: Bound = window.days
    ? sql`k.day >= ${window.days.from}::date and k.day < ${window.days.to}::date and (${channel}::uuid is null or k.channel_id = ${channel}::uuid)`
    : sql`false`;
  const inEdges: Bound =
    window.edges.length > 0
      ? sql`(${sql.join(
          window.edges.map(([a, b]) => sql`(o.created_at >= ${a} and o.created_at < ${b})`),
          sql` or `,
        )}) and (${channel}::uuid is null or o.channel_id = ${channel}::uuid)`
      : sql`false`;

  // Independent aggregates: run side by side on the pool rather than one after another.
  const [channels, orderCounts, histogram, exceptions, heldByChannel, accuracy, returns, margin, adoption] = await Promise.all([
    sql<{
      id: string;
      code: string;
    }>`select id, code from channels where (${channel}::uuid is null or id = ${channel}::uuid) order by code`.execute(db),

    sql<{ channel_id: string; n: string }>`
    select channel_id, sum(n) as n from (
      select k.channel_id, sum(k.orders) as n from order_kpi_daily k where ${inDays} group by k.channel_id
      union all
      select o.channel_id, count(*) from sales_orders o where ${inEdges} group by o.channel_id) x
    group by channel_id having sum(n) > 0`.execute(db),

    sql<{ channel_id: string; bucket: number; n: string }>`
    select channel_id, bucket, sum(n) as n from (
      select k.channel_id, k.hour_bucket as bucket, sum(k.orders) as n from order_cycle_daily k where ${inDays} group by k.channel_id, k.hour_bucket
      union all
      select o.channel_id, order_cycle_bucket(o.released_at, o.shipped_at), count(*) from sales_orders o
      where ${inEdges} and o.released_at is not null and o.shipped_at is not null group by 1, 2) x
    group by channel_id, bucket having sum(n) > 0 order by channel_id, bucket`.execute(db),

    sql<{ channel_id: string; control_point: string; exceptions: string }>`
    select o.channel_id, e.control_point, count(*) as exceptions
    from order_exceptions e join sales_orders o on o.id = e.order_id
    where ${scope} group by o.channel_id, e.control_point`.execute(db),

    sql<{ channel_id: string; held: string; mean_hours: string | null }>`
    select o.channel_id, count(distinct h.order_id) as held, avg(extract(epoch from (h.released_at - h.opened_at)) / 3600) as mean_hours
    from holds h join sales_orders o on o.id = h.order_id where ${scope} group by o.channel_id`.execute(db),

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

    sql<{ channel_id: string; net: string; cost: string; rebate: string }>`
    select channel_id, sum(net) as net, sum(cost) as cost, sum(rebate) as rebate from (
      select k.channel_id, sum(k.invoice_lines) as lines, sum(k.net_minor) as net, sum(k.cost_minor) as cost, sum(k.rebate_minor) as rebate
      from order_kpi_daily k where ${inDays} group by k.channel_id
      union all
      select o.channel_id, count(*), sum(il.net_minor), sum(il.cost_minor), sum(il.rebate_minor)
      from invoice_lines il join invoices i on i.id = il.invoice_id join sales_orders o on o.id = i.order_id
      where i.status = 'posted' and ${inEdges} group by o.channel_id) x
    group by channel_id having sum(lines) > 0`.execute(db),

    sql<{ outcome: string; on_variant: boolean; n: string }>`
    select d.outcome, (d.variant_id is not null) as on_variant, count(*) as n
    from control_decisions d join sales_orders o on o.id = d.order_id
    where ${scope} group by d.outcome, (d.variant_id is not null)`.execute(db),
  ]);
  const codeOf = new Map(channels.rows.map((c) => [c.id, c.code]));
  const byCode = <T extends { channel_id: string }>(rows: T[]) =>
    rows.filter((r) => codeOf.has(r.channel_id)).sort((a, b) => compare(codeOf.get(a.channel_id)!, codeOf.get(b.channel_id)!));
  const ordersOf = new Map(orderCounts.rows.map((r) => [r.channel_id, Number(r.n)]));
  const percentiles = await cyclePercentiles(db, histogram.rows, from, to);
  const cycle = {
    rows: channels.rows.map((c) => ({
      channel_id: c.id,
      code: c.code,
      orders: percentiles.get(c.id)?.orders ?? 0,
      p50: percentiles.get(c.id)?.p50 ?? null,
      p90: percentiles.get(c.id)?.p90 ?? null,
    })),
  };
  const held = new Map(heldByChannel.rows.map((r) => [r.channel_id, r]));
  const holds = {
    rows: byCode([...ordersOf.keys()].map((id) => ({ channel_id: id }))).map((r) => ({
      channel_id: r.channel_id,
      code: codeOf.get(r.channel_id)!,
      orders: ordersOf.get(r.channel_id)!,
      held: held.get(r.channel_id)?.held ?? 0,
      mean_hours: held.get(r.channel_id)?.mean_hours ?? null,
    })),
  };
  const exceptionRows = byCode(exceptions.rows)
    .sort((a, b) => compare(codeOf.get(a.channel_id)!, codeOf.get(b.channel_id)!) || compare(a.control_point, b.control_point))
    .map((r) => ({ ...r, code: codeOf.get(r.channel_id)!, orders: ordersOf.get(r.channel_id) ?? 0 }));
  const marginRows = byCode(margin.rows).map((r) => ({ ...r, code: codeOf.get(r.channel_id)! }));
  const cycleTime = cycle.rows.map((r) => ({
    channelId: r.channel_id,
    channel: r.code,
    orders: r.orders,
    p50Hours: hours(r.p50),
    p90Hours: hours(r.p90),
    p90OverP50: r.p50 && r.p50 > 0 && r.p90 ? Math.round((r.p90 / r.p50) * 100) / 100 : null,
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
    exceptionRate: exceptionRows.map((r) => ({
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
    marginByChannel: marginRows.map((r) => {
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

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Exact p50 and p90 of cycle hours per channel, as percentile_cont computes them: for each rank it reads, the
 * histogram names the hour bucket and the offset inside it, and the value is read from that bucket's rows only.
 */
async function cyclePercentiles(db: Executor, histogram: Array<{ channel_id: string; bucket: number; n: string }>, from: Date, to: Date) {
  const byChannel = new Map<string, Array<{ bucket: number; n: number }>>();
  for (const h of histogram) byChannel.set(h.channel_id, [...(byChannel.get(h.channel_id) ?? []), { bucket: h.bucket, n: Number(h.n) }]);
  /** The values of 0-based ranks lo and lo + 1 (when wanted), read from the bucket(s) holding them. */
  const valuesAt = async (
    channelId: string,
    buckets: Array<{ bucket: number; n: number }>,
    lo: number,
    withNext: boolean,
  ): Promise<number[]> => {
    const at = rankInHistogram(buckets, lo);
    const inBucket = buckets.find((b) => b.bucket === at.bucket)!.n;
    const count = withNext && at.offset + 1 < inBucket ? 2 : 1;
    const rows = await sql<{ h: number }>`
      select (extract(epoch from (o.shipped_at - o.released_at)) / 3600)::float8 as h from sales_orders o
      where o.channel_id = ${channelId} and order_cycle_bucket(o.released_at, o.shipped_at) = ${at.bucket}
        and o.released_at is not null and o.shipped_at is not null and o.created_at >= ${from} and o.created_at < ${to}
      order by h offset ${at.offset} limit ${count}`.execute(db);
    const values = rows.rows.map((r) => Number(r.h));
    return withNext && count === 1 ? [...values, ...(await valuesAt(channelId, buckets, lo + 1, false))] : values;
  };
  const result = new Map<string, { orders: number; p50: number; p90: number }>();
  await Promise.all(
    [...byChannel].map(async ([channelId, buckets]) => {
      const orders = buckets.reduce((a, b) => a + b.n, 0);
      const at = async (p: number) => {
        const r = percentileContRanks(orders, p);
        const [lo, hi] = await valuesAt(channelId, buckets, r.lo, r.hi !== r.lo);
        return percentileContValue(lo!, hi ?? lo!, r.hi === r.lo, r.proportion);
      };
      const [p50, p90] = await Promise.all([at(0.5), at(0.9)]);
      result.set(channelId, { orders, p50, p90 });
    }),
  );
  return result;
}

export type OrderKpis = Awaited<ReturnType<typeof getOrderKpis>>;

/** One flat CSV: a `metric` column names the section, the rest are that section's fields. */
export function kpisToCsv(k: OrderKpis): string {
  const rows: Array<Record<string, string | number | null>> = [
    ...k.cycleTime.byChannel.map((r) => ({
      metric: 'cycle_time',
      channel: r.channel,
      dimension: '',
      value: r.p50Hours,
      value2: r.p90Hours,
      count: r.orders,
    })),
    { metric: 'cycle_time_spread', channel: '', dimension: '', value: k.cycleTime.spreadOfMediansHours, value2: null, count: null },
    ...k.exceptionRate.map((r) => ({
      metric: 'exception_rate',
      channel: r.channel,
      dimension: r.controlPoint,
      value: r.rate,
      value2: r.exceptions,
      count: r.orders,
    })),
    ...k.holds.map((r) => ({
      metric: 'hold_rate',
      channel: r.channel,
      dimension: '',
      value: r.holdRate,
      value2: r.meanHoldHours,
      count: r.orders,
    })),
    ...k.inventoryAccuracy.map((r) => ({
      metric: 'inventory_accuracy',
      channel: '',
      dimension: r.location,
      value: r.accuracy,
      value2: null,
      count: r.counts,
    })),
    {
      metric: 'returns_turnaround',
      channel: '',
      dimension: '',
      value: k.returnsTurnaround.p50Hours,
      value2: k.returnsTurnaround.meanHours,
      count: k.returnsTurnaround.returns,
    },
    ...k.marginByChannel.map((r) => ({
      metric: 'margin',
      channel: r.channel,
      dimension: '',
      value: r.marginMinor,
      value2: r.marginRate,
      count: r.netMinor,
    })),
    {
      metric: 'adoption',
      channel: '',
      dimension: '',
      value: k.adoption.standardShare,
      value2: k.adoption.overrideShare,
      count: k.adoption.transitions,
    },
  ];
  // Leading =, +, -, @ would be formulas in a spreadsheet.
  const safe = (v: string | number | null) => (typeof v === 'string' && /^[=+\-@]/.test(v) ? `'${v}` : v);
  return stringify(
    rows.map((r) => Object.fromEntries(Object.entries(r).map(([key, v]) => [key, safe(v)]))),
    { header: true, columns: ['metric', 'channel', 'dimension', 'value', 'value2', 'count'] },
  );
}
