import { sql } from 'kysely';
import { assertCan } from '../../../platform/access/can.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { type CsvExport, paged } from '../csv-stream.js';
import type { OrderExportFilter } from '../schemas.js';

const PAGE = 2000;

/** Sales orders, one row each, with channel, account, owner, milestones and line/invoice totals. */
export function exportOrders(ctx: UseCaseContext, filter: OrderExportFilter): CsvExport {
  assertCan(ctx.actor, 'order.read');
  const rows = paged((after: { created_at: Date; id: string } | null) => {
    let q = ctx.db
      .selectFrom('sales_orders as o')
      .innerJoin('channels as c', 'c.id', 'o.channel_id')
      .innerJoin('accounts as a', 'a.id', 'o.account_id')
      .select([
        'o.id',
        'o.number',
        'c.code as channel',
        'o.account_id',
        'a.name as account_name',
        'o.region',
        'o.currency',
        'o.lifecycle',
        'o.payment_status',
        'o.owner_id',
        'o.created_at',
        'o.released_at',
        'o.shipped_at',
        'o.closed_at',
        sql<string>`(select coalesce(sum(l.qty_ordered * l.unit_price_minor), 0) from order_lines l where l.order_id = o.id)`.as(
          'net_minor',
        ),
        sql<string>`(select coalesce(sum(i.total_minor), 0) from invoices i where i.order_id = o.id and i.status = 'posted')`.as(
          'invoiced_minor',
        ),
      ]);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('o.created_at', '>', after.created_at), eb.and([eb('o.created_at', '=', after.created_at), eb('o.id', '>', after.id)])]),
      );
    if (filter.from) q = q.where('o.created_at', '>=', new Date(filter.from));
    if (filter.to) q = q.where('o.created_at', '<', new Date(filter.to));
    if (filter.lifecycle) q = q.where('o.lifecycle', '=', filter.lifecycle);
    if (filter.channelId) q = q.where('o.channel_id', '=', filter.channelId);
    return q.orderBy('o.created_at').orderBy('o.id').limit(PAGE).execute();
  }, PAGE);
  return {
    fileName: 'orders.csv',
    columns: [
      'id',
      'number',
      'channel',
      'account_id',
      'account',
      'region',
      'currency',
      'lifecycle',
      'payment_status',
      'owner_id',
      'net_minor',
      'invoiced_minor',
      'created_at',
      'released_at',
      'shipped_at',
      'closed_at',
    ],
    rows: (async function* () {
      for await (const r of rows) {
        yield [
          r.id,
          r.number,
          r.channel,
          r.account_id,
          r.account_name,
          r.region,
          r.currency,
          r.lifecycle,
          r.payment_status,
          r.owner_id,
          Number(r.net_minor),
          Number(r.invoiced_minor),
          r.created_at,
          r.released_at,
          r.shipped_at,
          r.closed_at,
        ];
      }
    })(),
  };
}
