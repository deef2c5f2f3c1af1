import { randomUUID } from 'node:crypto';
import { type Insertable, type QueryCreator, sql } from 'kysely';
import type { AuditEventTable, Database, Trx } from '../db/database.js';
import type { PendingAudit } from '../pre-commit.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';
import { type ChainedRow, hashRow } from './chain.js';
import type { AuditedChange } from './events.js';

export type ChainHead = { seq: number; hash: string };

/**
 * One chain for the whole installation: appenders lock its head row until their transaction ends, so sequence
 * order is commit order and no two rows share a predecessor. Under READ COMMITTED a `FOR UPDATE` that waited
 * returns the head as the previous holder committed it, so locking and reading are one round trip.
 */
export async function lockChainHead(trx: Trx): Promise<ChainHead> {
  const head = await trx.selectFrom('audit_chain_head').select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

/** The rows that continue the chain from `head`, each hashed over exactly what jsonb will give back. */
export function chainRows(head: ChainHead, pending: PendingAudit[]): { rows: Insertable<AuditEventTable>[]; head: ChainHead } {
  let { seq, hash: prevHash } = head;
  const rows = pending.map(({ ctx, change }) => {
    const actor = actorOf(ctx);
    const row: ChainedRow = {
      seq: ++seq,
      id: randomUUID(),
      occurredAt: ctx.clock.now().toISOString(),
      eventName: change.event,
      entityType: change.entityType,
      entityId: change.entityId,
      actorId: actor.id,
      actorLabel: actor.label,
      reason: change.reason ?? null,
      requestId: ctx.requestId ?? null,
      // Round-trip through JSON so the hash covers exactly what jsonb will give back.
      before: change.before === undefined ? null : JSON.parse(JSON.stringify(change.before)),
      after: change.after === undefined ? null : JSON.parse(JSON.stringify(change.after)),
      prevHash,
    };
    const hash = hashRow(row);
    prevHash = hash;
    return {
      seq: row.seq,
      id: row.id,
      occurred_at: row.occurredAt,
      event_name: row.eventName,
      entity_type: row.entityType,
      entity_id: row.entityId,
      actor_id: row.actorId,
      actor_label: row.actorLabel,
      reason: row.reason,
      request_id: row.requestId,
      before: row.before === null ? null : JSON.stringify(row.before),
      after: row.after === null ? null : JSON.stringify(row.after),
      prev_hash: row.prevHash,
      hash,
    };
  });
  return { rows, head: { seq, hash: prevHash } };
}

/** Appends one hash-chained audit row inside the caller's transaction. */
export async function appendAudit(trx: Trx, ctx: UseCaseContext, change: AuditedChange): Promise<{ seq: number }> {
  const [seq] = await appendAuditBatch(trx, ctx, [change]);
  return { seq: seq! };
}

/** Appends many rows under one lock acquisition and a few multi-row inserts (outside `inTransaction`). */
export async function appendAuditBatch(trx: Trx, ctx: UseCaseContext, changes: AuditedChange[]): Promise<number[]> {
  if (changes.length === 0) return [];
  const chained = chainRows(
    await lockChainHead(trx),
    changes.map((change) => ({ ctx, change })),
  );
  await auditInsert(trx, chained.rows).execute();
  await moveChainHead(trx, chained.head);
  return chained.rows.map((r) => Number(r.seq));
}

/**
 * The rows as one INSERT … SELECT FROM unnest(column arrays): fourteen parameters whatever the row count, so
 * a batch of any size is one statement, and cheaper to bind and plan than a multi-row VALUES list.
 */
export function auditInsert(db: QueryCreator<Database>, rows: Insertable<AuditEventTable>[]) {
  const column = <T>(pick: (row: Insertable<AuditEventTable>) => T) => rows.map(pick);
  return db
    .insertInto('audit_events')
    .columns(['seq', 'id', 'occurred_at', 'event_name', 'entity_type', 'entity_id', 'actor_id', 'actor_label', 'reason', 'request_id', 'before', 'after', 'prev_hash', 'hash'])
    .expression(
      sql`select seq, id, occurred_at, event_name, entity_type, entity_id, actor_id, actor_label, reason, request_id, before::jsonb, after::jsonb, prev_hash, hash
          from unnest(${column((r) => String(r.seq))}::bigint[], ${column((r) => r.id)}::uuid[], ${column((r) => r.occurred_at)}::timestamptz[],
                      ${column((r) => r.event_name)}::text[], ${column((r) => r.entity_type)}::text[], ${column((r) => r.entity_id)}::text[],
                      ${column((r) => r.actor_id ?? null)}::uuid[], ${column((r) => r.actor_label)}::text[], ${column((r) => r.reason ?? null)}::text[],
                      ${column((r) => r.request_id ?? null)}::text[], ${column((r) => r.before ?? null)}::text[], ${column((r) => r.after ?? null)}::text[],
                      ${column((r) => r.prev_hash)}::text[], ${column((r) => r.hash)}::text[])
            as t(seq, id, occurred_at, event_name, entity_type, entity_id, actor_id, actor_label, reason, request_id, before, after, prev_hash, hash)`,
    );
}

export const moveChainHead = (trx: Trx, head: ChainHead) =>
  trx.updateTable('audit_chain_head').set({ seq: head.seq, hash: head.hash }).execute();
