import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { getOrderKpis } from '../../../orders/use-cases/get-order-kpis.js';
import { getRoutingKpis } from '../../../routing/use-cases/get-routing-kpis.js';
import type { CsvExport } from '../csv-stream.js';

/** Routing KPIs (per team and overall) as CSV, from the same use case as GET /api/v1/kpis/routing. */
export async function exportRoutingKpis(ctx: UseCaseContext, period: { from: Date; to: Date }): Promise<CsvExport> {
  const k = await getRoutingKpis(ctx, period);
  const rows = [{ ...k.overall, teamName: 'overall', teamId: null }, ...k.byTeam];
  return {
    fileName: 'routing-kpis.csv',
    columns: [
      'from',
      'to',
      'team_id',
      'team',
      'assignments',
      'by_rule',
      'manual',
      'escalated',
      'acknowledged',
      'sla_met',
      'sla_met_rate',
      'median_minutes_to_ack',
      'p90_minutes_to_ack',
      'unassigned_now',
      'override_rate',
    ],
    rows: (async function* () {
      for (const r of rows) {
        yield [
          k.period.from,
          k.period.to,
          r.teamId,
          r.teamName,
          r.assignments,
          r.byRule,
          r.manual,
          r.escalated,
          r.acknowledged,
          r.slaMet,
          r.slaMetRate,
          r.medianMinutesToAcknowledge,
          r.p90MinutesToAcknowledge,
          k.unassignedNow,
          k.overrideRate,
        ];
      }
    })(),
  };
}

/** Order KPIs as CSV: the orders feature's own flattening (kpisToCsv) of getOrderKpis. */
export async function exportOrderKpis(
  ctx: UseCaseContext,
  filter: { from?: string; to?: string; channelId?: string },
): Promise<{ fileName: string; csv: string }> {
  const { kpisToCsv } = await import('../../../orders/use-cases/get-order-kpis.js');
  const k = await getOrderKpis(ctx, {
    from: filter.from ? new Date(filter.from) : undefined,
    to: filter.to ? new Date(filter.to) : undefined,
    channelId: filter.channelId,
  });
  return { fileName: 'order-kpis.csv', csv: kpisToCsv(k) };
}
