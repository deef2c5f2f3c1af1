import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../db/database.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';
import { type ChainedRow, GENESIS_HASH, hashRow } from './chain.js';
import type { AuditedChange } from './events.js';

// One chain for the whole installation: appenders serialise on this lock until their transaction ends,
// so sequence order is commit order and no two rows share a predecessor.
const AUDIT_CHAIN_LOCK = 0x62_61_74_6f_6e; // "baton"
const INSERT_CHUNK = 1_000;

/** Appends one hash-chained audit row inside the caller's transaction. */
export async function appendAudit(trx: Trx, ctx: UseCaseContext, change: AuditedChange): Promise<{ seq: number }> {
  const [seq] = await appendAuditBatch(trx, ctx, [change]);
  return { seq: seq! };
}

/** Appends many rows under one lock acquisition and a few multi-row inserts (bulk routing, imports). */
export async function appendAuditBatch(trx: Trx, ctx: UseCaseContext, changes: AuditedChange[]): Promise<number[]> {
  if (changes.length === 0) return [];
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const actor = actorOf(ctx);
  const occurredAt = ctx.clock.now().toISOString();
  let seq = last ? Number(last.seq) : 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = changes.map((change) => {
    const row: ChainedRow = {
      seq: ++seq,
      id: randomUUID(),
      occurredAt,
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
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('audit_events').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  return rows.map((r) => r.seq);
}
