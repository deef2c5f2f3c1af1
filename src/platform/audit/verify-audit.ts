import type { Db } from '../db/database.js';
import { type ChainedRow, GENESIS_HASH, findChainBreak } from './chain.js';
import { type CheckpointStore, firstForgedCheckpoint, readCheckpoints } from './checkpoints.js';

export type AuditVerification =
  | { ok: true; rows: number; headSeq: number; checkpoints: number }
  | {
      ok: false;
      rows: number;
      firstBadSeq: number;
      problem: 'gap' | 'prev_hash' | 'hash' | 'truncated' | 'checkpoint_mismatch' | 'checkpoint_forged';
      detail: string;
    };

const BATCH = 5_000;

/**
 * Walks the whole chain in sequence order, then holds it against the signed checkpoints kept outside the
 * database: those catch tail truncation and a chain recomputed by someone who can write to the table.
 */
export async function verifyAudit(
  db: Db,
  store: CheckpointStore,
  onProgress?: (verified: number) => void,
): Promise<AuditVerification> {
  let expected = { seq: 0, hash: GENESIS_HASH };
  let rows = 0;
  const hashAt = new Map<number, string>();
  const checkpoints = readCheckpoints(store);
  const wanted = new Set(checkpoints.map((c) => c.seq));
  for (;;) {
    const batch = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', String(expected.seq))
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    if (batch.length === 0) break;
    const chained = batch.map((r) => ({
      seq: Number(r.seq),
      id: r.id,
      occurredAt: r.occurred_at.toISOString(),
      eventName: r.event_name,
      entityType: r.entity_type,
      entityId: r.entity_id,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      reason: r.reason,
      requestId: r.request_id,
      before: r.before,
      after: r.after,
      prevHash: r.prev_hash,
      hash: r.hash,
    })) satisfies Array<ChainedRow & { hash: string }>;
    const broken = findChainBreak(chained, expected);
    if (broken) {
      return { ok: false, rows, firstBadSeq: broken.seq, problem: broken.problem, detail: describe(broken.problem, broken.seq) };
    }
    for (const row of chained) if (wanted.has(row.seq)) hashAt.set(row.seq, row.hash);
    rows += chained.length;
    const last = chained.at(-1)!;
    expected = { seq: last.seq, hash: last.hash };
    onProgress?.(rows);
  }

  const forged = firstForgedCheckpoint(checkpoints, store.verifyKey);
  if (forged >= 0) {
    const seq = checkpoints[forged]!.seq;
    return { ok: false, rows, firstBadSeq: seq, problem: 'checkpoint_forged', detail: `checkpoint #${forged + 1} (seq ${seq}) has a bad signature or link` };
  }
  let lastGood = 0;
  for (const checkpoint of checkpoints) {
    if (checkpoint.seq > expected.seq) {
      return {
        ok: false,
        rows,
        firstBadSeq: expected.seq + 1,
        problem: 'truncated',
        detail: `rows after seq ${expected.seq} are missing; a checkpoint vouches for seq ${checkpoint.seq}`,
      };
    }
    if (hashAt.get(checkpoint.seq) !== checkpoint.hash) {
      return {
        ok: false,
        rows,
        firstBadSeq: lastGood + 1,
        problem: 'checkpoint_mismatch',
        detail: `the chain was rewritten between seq ${lastGood + 1} and ${checkpoint.seq}: it no longer matches the signed checkpoint`,
      };
    }
    lastGood = checkpoint.seq;
  }
  return { ok: true, rows, headSeq: expected.seq, checkpoints: checkpoints.length };
}

function describe(problem: 'gap' | 'prev_hash' | 'hash', seq: number): string {
  switch (problem) {
    case 'gap':
      return `row ${seq} is missing or out of order`;
    case 'prev_hash':
      return `row ${seq} does not link to the row before it (inserted, removed or reordered)`;
    case 'hash':
      return `row ${seq} was altered: its content no longer matches its hash`;
  }
}
