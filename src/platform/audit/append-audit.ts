import { randomUUID } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { AuditEventTable, Trx } from '../db/database.js';
import type { PendingAudit } from '../pre-commit.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';
import { type ChainedRow, hashRow } from './chain.js';
import type { AuditedChange } from './events.js';

const INSERT_CHUNK = 1_000;

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
  await insertAuditRows(trx, chained.rows);
  await moveChainHead(trx, chained.head);
  return chained.rows.map((r) => Number(r.seq));
}

export async function insertAuditRows(trx: Trx, rows: Insertable<AuditEventTable>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await trx
      .insertInto('audit_events')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .execute();
}

export const moveChainHead = (trx: Trx, head: ChainHead) =>
  trx.updateTable('audit_chain_head').set({ seq: head.seq, hash: head.hash }).execute();
