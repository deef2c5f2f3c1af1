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
  /**
   * Rows written since sealing moved after commit carry a digest of their content, made by the writer, so the
   * sealer chains digests instead of reading every row back; older rows are hashed whole.
   */
  digested?: boolean;
};
export type EventContent = Omit<ChainedRow, 'seq' | 'prevHash' | 'digested'>;

const sha256 = (...parts: string[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest('hex');

/** SHA-256 of the event's content in JCS (RFC 8785), which makes it independent of key order. */
export function contentDigest(c: EventContent): string {
  const { id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before, after } = c;
  return sha256(canonicalJson({ id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before: before ?? null, after: after ?? null }));
}

/** A digested row's link: h_i = SHA-256(h_{i-1} ‖ JCS({seq, digest, prevHash})). */
export const sealHash = (prevHash: string, seq: number, digest: string) => sha256(prevHash, canonicalJson({ seq, digest, prevHash }));

/** h_i = SHA-256(h_{i-1} ‖ JCS(row_i)) for rows hashed whole; the digest link for digested rows (recomputed from content). */
export function hashRow(row: ChainedRow): string {
  if (row.digested) return sealHash(row.prevHash, row.seq, contentDigest(row));
  const { seq, id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before, after, prevHash } = row;
  const canonical = canonicalJson({ seq, id, occurredAt, eventName, entityType, entityId, actorId, actorLabel, reason, requestId, before: before ?? null, after: after ?? null, prevHash });
  return sha256(row.prevHash, canonical);
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

/** An event row's content as the writer digested it and verify re-digests it (timestamps to the millisecond). */
export const eventContent = (event: AuditEventRow): EventContent => ({
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
});

/** An event row at chain position `seq` after `prevHash`, as both the sealer and verify hash it. */
export const chainedEvent = (event: AuditEventRow, seq: number, prevHash: string): ChainedRow => ({
  seq,
  ...eventContent(event),
  prevHash,
  digested: event.digest !== null,
});
