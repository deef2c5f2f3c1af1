import type { QueryCreator } from 'kysely';
import type { Database, Trx } from '../db/database.js';
import { type ColumnTypes, unnestInsert } from '../db/unnest-insert.js';
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

/** What a writer sets of an outbox event (the database numbers and names it). */
export const OUTBOX_COLUMNS = {
  occurred_at: 'timestamptz',
  aggregate_type: 'text',
  aggregate_id: 'text',
  event_type: 'text',
  payload: 'jsonb',
  actor_id: 'uuid',
  request_id: 'text',
} satisfies ColumnTypes<'outbox_events'>;

/** The rows as one INSERT … SELECT FROM unnest(column arrays) (see unnestInsert), in order (so `seq` follows emission order). */
export function outboxInsert(db: QueryCreator<Database>, rows: OutboxRow[]) {
  return unnestInsert(db, 'outbox_events', OUTBOX_COLUMNS, rows);
}
