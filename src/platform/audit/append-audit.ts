import { randomUUID } from 'node:crypto';
import type { Insertable, QueryCreator } from 'kysely';
import type { AuditEventTable, Database, Trx } from '../db/database.js';
import type { PendingAudit } from '../pre-commit.js';
import { type ColumnTypes, unnestInsert } from '../db/unnest-insert.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';
import { type EventContent, contentDigest } from './chain.js';
import type { AuditedChange } from './events.js';

/**
 * An audit row as the writing transaction inserts it: no lock, no chain link — only the digest of its content.
 * The database numbers it and records the transaction; the sealer links the digest into the hash chain once the
 * row has committed (seal-audit.ts).
 */
export function auditRows(pending: PendingAudit[]): Insertable<AuditEventTable>[] {
  return pending.map(({ ctx, change }) => {
    const actor = actorOf(ctx);
    const before = change.before === undefined ? null : JSON.stringify(change.before);
    const after = change.after === undefined ? null : JSON.stringify(change.after);
    const content: EventContent = {
      id: randomUUID(),
      occurredAt: ctx.clock.now().toISOString(),
      eventName: change.event,
      entityType: change.entityType,
      entityId: change.entityId,
      actorId: actor.id,
      actorLabel: actor.label,
      reason: change.reason ?? null,
      requestId: ctx.requestId ?? null,
      // Parsed back from JSON so the digest covers exactly what jsonb will give back.
      before: before === null ? null : JSON.parse(before),
      after: after === null ? null : JSON.parse(after),
    };
    return {
      id: content.id,
      occurred_at: content.occurredAt,
      event_name: content.eventName,
      entity_type: content.entityType,
      entity_id: content.entityId,
      actor_id: content.actorId,
      actor_label: content.actorLabel,
      reason: content.reason,
      request_id: content.requestId,
      before,
      after,
      digest: contentDigest(content),
    };
  });
}

/** Appends audit rows inside the caller's transaction (outside `inTransaction`, which collects them instead). */
export async function appendAuditBatch(trx: Trx, ctx: UseCaseContext, changes: AuditedChange[]): Promise<number[]> {
  if (changes.length === 0) return [];
  const inserted = await auditInsert(trx, auditRows(changes.map((change) => ({ ctx, change }))))
    .returning('seq')
    .execute();
  return inserted.map((r) => Number(r.seq));
}

/** What a writer sets of an audit row (the database numbers it and records its transaction). */
export const AUDIT_COLUMNS = {
  id: 'uuid',
  occurred_at: 'timestamptz',
  event_name: 'text',
  entity_type: 'text',
  entity_id: 'text',
  actor_id: 'uuid',
  actor_label: 'text',
  reason: 'text',
  request_id: 'text',
  before: 'jsonb',
  after: 'jsonb',
  digest: 'text',
} satisfies ColumnTypes<'audit_events'>;

/** The rows as one INSERT … SELECT FROM unnest(column arrays) (see unnestInsert), in the order they were recorded. */
export function auditInsert(db: QueryCreator<Database>, rows: Insertable<AuditEventTable>[]) {
  return unnestInsert(db, 'audit_events', AUDIT_COLUMNS, rows);
}
