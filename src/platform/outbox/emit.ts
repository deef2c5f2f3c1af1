import type { Trx } from '../db/database.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';

export type OutboxEvent = {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
};

const INSERT_CHUNK = 1_000;

/** Queues an integration event in the caller's transaction; delivery happens after commit, elsewhere. */
export async function emit(trx: Trx, ctx: UseCaseContext, event: OutboxEvent): Promise<void> {
  await emitMany(trx, ctx, [event]);
}

export async function emitMany(trx: Trx, ctx: UseCaseContext, events: OutboxEvent[]): Promise<void> {
  const occurredAt = ctx.clock.now();
  const actorId = actorOf(ctx).id;
  const rows = events.map((event) => ({
    occurred_at: occurredAt,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    event_type: event.type,
    payload: JSON.stringify(event.payload ?? null),
    actor_id: actorId,
    request_id: ctx.requestId ?? null,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('outbox_events').values(rows.slice(i, i + INSERT_CHUNK)).execute();
}
