import type { Trx } from '../db/database.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';

export type OutboxEvent = {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
};

/** Queues an integration event in the caller's transaction; delivery happens after commit, elsewhere. */
export async function emit(trx: Trx, ctx: UseCaseContext, event: OutboxEvent): Promise<void> {
  await trx
    .insertInto('outbox_events')
    .values({
      occurred_at: ctx.clock.now(),
      aggregate_type: event.aggregateType,
      aggregate_id: event.aggregateId,
      event_type: event.type,
      payload: JSON.stringify(event.payload ?? null),
      actor_id: actorOf(ctx).id,
      request_id: ctx.requestId ?? null,
    })
    .execute();
}
