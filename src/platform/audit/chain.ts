import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import type { AuditEventRow } from '../db/database.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields a row's hash covers — everything but the hash itself. */
export type ChainedRow = {
  seq: number;
  id: string;
  occurredAt: string;
  eventName: string;
  entityType: string;
  entityId: string;
  actorId: string | null;
  actorLabel: string;
  reason: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
};

/** h_i = SHA-256(h_{i-1} ‖ JCS(row_i)); JCS (RFC 8785) makes the hash independent of key order. */
export function hashRow(row: ChainedRow): string {
  const { seq, id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before, after, prevHash } = row;
  const canonical = canonicalJson({ seq, id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before: before ?? null, after: after ?? null, prevHash });
  return createHash('sha256').update(row.prevHash).update(canonical).digest('hex');
}

export type ChainBreak = { seq: number; problem: 'gap' | 'prev_hash' | 'hash' };

/**
 * Checks a run of consecutive rows that should follow `expected` (seq and hash of the row before them).
 * Returns the first break, or null.
 */
export function findChainBreak(
  rows: Iterable<ChainedRow & { hash: string }>,
  expected: { seq: number; hash: string },
): ChainBreak | null {
  let previous = expected;
  for (const row of rows) {
    if (row.seq !== previous.seq + 1) return { seq: previous.seq + 1, problem: 'gap' };
    if (row.prevHash !== previous.hash) return { seq: row.seq, problem: 'prev_hash' };
    if (hashRow(row) !== row.hash) return { seq: row.seq, problem: 'hash' };
    previous = { seq: row.seq, hash: row.hash };
  }
  return null;
}

/** An event row at chain position `seq` after `prevHash`, as both the sealer and verify hash it. */
export const chainedEvent = (event: AuditEventRow, seq: number, prevHash: string): ChainedRow => ({
  seq,
  id: event.id,
  occurredAt: event.occurred_at.toISOString(),
  eventName: event.event_name,
  entityType: event.entity_type,
  entityId: event.entity_id,
  actorId: event.actor_id,
  actorLabel: event.actor_label,
  reason: event.reason,
  requestId: event.request_id,
  before: event.before,
  after: event.after,
  prevHash,
});
