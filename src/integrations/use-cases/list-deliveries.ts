import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { attemptsOf, findEndpoint } from '../store.js';
import { type DeliveryView, deliveryView } from '../views.js';

export async function listDeliveries(ctx: UseCaseContext, options: { endpointId: string; status?: 'pending' | 'delivered' | 'dead' | 'cancelled'; limit: number }): Promise<{ items: DeliveryView[] }> {
  assertCan(ctx.actor, 'integration.manage');
  if (!(await findEndpoint(ctx.db, options.endpointId))) throw notFound('webhook');
  let query = ctx.db
    .selectFrom('webhook_deliveries')
    .innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
    .selectAll('webhook_deliveries')
    .select('outbox_events.event_type')
    .where('webhook_deliveries.endpoint_id', '=', options.endpointId);
  if (options.status) query = query.where('webhook_deliveries.status', '=', options.status);
  const rows = await query.orderBy('outbox_events.seq', 'desc').limit(options.limit).execute();
  const attempts = await attemptsOf(ctx.db, rows.map((r) => r.id));
  return { items: rows.map((r) => deliveryView(r, attempts.filter((a) => a.delivery_id === r.id))) };
}
