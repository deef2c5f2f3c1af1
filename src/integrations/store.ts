import type { Executor } from '../platform/db/database.js';

export const findEndpoint = (db: Executor, id: string) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();

export const lockEndpoint = (db: Executor, id: string) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const listEndpoints = (db: Executor) => db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();

/** Secrets that still sign: the current one (no expiry) and rotated ones inside their grace period. */
export const activeSecrets = async (db: Executor, endpointId: string, now: Date) =>
  (
    await db
      .selectFrom('webhook_secrets')
      .select('secret')
      .where('endpoint_id', '=', endpointId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('created_at', 'desc')
      .execute()
  ).map((r) => r.secret);

export const findDelivery = (db: Executor, id: string) =>
  db
    .selectFrom('webhook_deliveries')
    .innerJoin('outbox_events', 'outbox_events.id', 'webhook_deliveries.event_id')
    .selectAll('webhook_deliveries')
    .select('outbox_events.event_type')
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();

export const attemptsOf = (db: Executor, deliveryIds: string[]) =>
  deliveryIds.length === 0
    ? Promise.resolve([])
    : db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('delivery_id').orderBy('attempt').execute();
