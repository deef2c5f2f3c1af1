import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { WorkflowGates } from '../core/gates.js';
import { variantView } from '../variant-view.js';

/** The registry: the standard, and every variant with its diff against it and the exception rate of its orders. */
export async function listVariants(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'order.read');
  const standard = await ctx.db.selectFrom('workflow_definitions').selectAll().where('status', '=', 'active').executeTakeFirstOrThrow();
  const rows = await ctx.db.selectFrom('workflow_variants').selectAll().orderBy('channel_id').orderBy('version', 'desc').execute();
  const rates = await sql<{ variant_id: string | null; orders: string; exceptions: string }>`
    select o.variant_id, count(distinct o.id) as orders, count(e.id) as exceptions
    from sales_orders o left join order_exceptions e on e.order_id = o.id
    group by o.variant_id`.execute(ctx.db);
  const rateOf = (id: string | null) => {
    const r = rates.rows.find((x) => x.variant_id === id);
    return { orders: Number(r?.orders ?? 0), exceptions: Number(r?.exceptions ?? 0) };
  };
  const std = rateOf(null);
  const now = ctx.clock.now();
  return {
    standard: { version: standard.version, gates: standard.gates, orders: std.orders, exceptions: std.exceptions, exceptionRate: std.orders ? std.exceptions / std.orders : 0 },
    variants: rows.map((r) => variantView(r, standard.gates as WorkflowGates, rateOf(r.id), now)),
  };
}
