import { type QueryCreator, sql } from 'kysely';
import type { Database, Trx } from '../db/database.js';
import { type OutboxRow, preCommitWritesOf } from '../pre-commit.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';

export type OutboxEvent = {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
};

/** Queues an integration event in the caller's transaction; delivery happens after commit, elsewhere. */
export async function emit(trx: Trx, ctx: UseCaseContext, event: OutboxEvent): Promise<void> {
  await emitMany(trx, ctx, [event]);
}

/** Inside `inTransaction` the rows join the pre-commit write; elsewhere they are inserted at once. */
export async function emitMany(trx: Trx, ctx: UseCaseContext, events: OutboxEvent[]): Promise<void> {
  const rows = outboxRowsOf(ctx, events);
  const pending = preCommitWritesOf(trx);
  if (pending) pending.outbox.push(...rows);
  else await insertOutboxRows(trx, rows);
}

export function outboxRowsOf(ctx: UseCaseContext, events: OutboxEvent[]): OutboxRow[] {
  const occurredAt = ctx.clock.now();
  const actorId = actorOf(ctx).id;
  return events.map((event) => ({
    occurred_at: occurredAt,
    aggregate_type: event.aggregateType,
    aggregate_id: event.aggregateId,
    event_type: event.type,
    payload: JSON.stringify(event.payload ?? null),
    actor_id: actorId,
    request_id: ctx.requestId ?? null,
  }));
}

export async function insertOutboxRows(trx: Trx, rows: OutboxRow[]): Promise<void> {
  if (rows.length > 0) await outboxInsert(trx, rows).execute();
}

/** The rows as one INSERT … SELECT FROM unnest(column arrays), in order (so `seq` follows emission order). */
export function outboxInsert(db: QueryCreator<Database>, rows: OutboxRow[]) {
  const column = <K extends keyof OutboxRow>(key: K) => rows.map((r) => r[key]);
  return db
    .insertInto('outbox_events')
    .columns(['occurred_at', 'aggregate_type', 'aggregate_id', 'event_type', 'payload', 'actor_id', 'request_id'])
    .expression(
      sql`select occurred_at, aggregate_type, aggregate_id, event_type, payload::jsonb, actor_id, request_id
          from unnest(${column('occurred_at')}::timestamptz[], ${column('aggregate_type')}::text[], ${column('aggregate_id')}::text[],
                      ${column('event_type')}::text[], ${column('payload')}::text[], ${column('actor_id')}::uuid[], ${column('request_id')}::text[])
               with ordinality as t(occurred_at, aggregate_type, aggregate_id, event_type, payload, actor_id, request_id, n)
          order by n`,
    );
}
