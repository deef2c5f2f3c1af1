import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Trx } from '../db/database.js';
import { GENESIS_HASH, hashRow } from './chain.js';
import type { AuditedChange } from './events.js';
import { type UseCaseContext, actorOf } from '../use-case-context.js';

// One chain for the whole installation: appenders serialise on this lock until their transaction ends,
// so sequence order is commit order and no two rows share a predecessor.
const AUDIT_CHAIN_LOCK = 0x62_61_74_6f_6e; // "baton"

/** Appends one hash-chained audit row inside the caller's transaction. */
export async function appendAudit(trx: Trx, ctx: UseCaseContext, change: AuditedChange): Promise<{ seq: number }> {
  await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const actor = actorOf(ctx);
  const row = {
    seq: last ? Number(last.seq) + 1 : 1,
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
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await trx
    .insertInto('audit_events')
    .values({
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
      hash: hashRow(row),
    })
    .execute();
  return { seq: row.seq };
}
