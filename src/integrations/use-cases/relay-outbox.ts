import { sql } from 'kysely';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { endpointWants } from '../core/event-filter.js';

/**
 * Moves committed outbox events to webhook deliveries, in seq order: one delivery per (event, enabled
 * endpoint that wants it), then marks the events published. Concurrent relays skip each other's rows;
 * a relay that dies rolls back and the next one redoes the batch (the unique key makes that harmless).
 */
export async function relayOutbox(ctx: Pick<UseCaseContext, 'db' | 'clock'>, options: { batchSize?: number } = {}): Promise<{ published: number; deliveries: number }> {
  const batchSize = options.batchSize ?? 500;
  return ctx.db.transaction().execute(async (trx) => {
    const events = await trx
      .selectFrom('outbox_events')
      .select(['seq', 'id', 'event_type', 'aggregate_type', 'aggregate_id'])
      .select((eb) =>
        eb
          .selectFrom('outbox_events as earlier')
          .select(sql<string>`count(*)`.as('n'))
          .whereRef('earlier.aggregate_type', '=', 'outbox_events.aggregate_type')
          .whereRef('earlier.aggregate_id', '=', 'outbox_events.aggregate_id')
          .whereRef('earlier.seq', '<=', 'outbox_events.seq')
          .as('aggregate_version'),
      )
      .where('published_at', 'is', null)
      .orderBy('seq')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (events.length === 0) return { published: 0, deliveries: 0 };
    const endpoints = await trx.selectFrom('webhook_endpoints').select(['id', 'events']).where('enabled', '=', true).execute();
    const now = ctx.clock.now();
    const rows = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => endpointWants(endpoint.events, event.event_type))
        .map((endpoint) => ({ event_id: event.id, endpoint_id: endpoint.id, aggregate_version: Number(event.aggregate_version), next_attempt_at: now, created_at: now })),
    );
    let deliveries = 0;
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await trx.insertInto('webhook_deliveries').values(rows.slice(i, i + 1000)).onConflict((oc) => oc.columns(['event_id', 'endpoint_id']).doNothing()).returning('id').execute();
      deliveries += inserted.length;
    }
    await trx.updateTable('outbox_events').set({ published_at: now }).where('seq', 'in', events.map((e) => e.seq)).execute();
    return { published: events.length, deliveries };
  });
}
