import { sql } from 'kysely';
import type { AuditEventRow, Db } from '../db/database.js';
import { type ChainedRow, GENESIS_HASH, chainedEvent, findChainBreak } from './chain.js';
import { type CheckpointStore, firstForgedCheckpoint, readCheckpoints } from './checkpoints.js';
import { sealAudit } from './seal-audit.js';

export type AuditVerification =
  | { ok: true; rows: number; headSeq: number; checkpoints: number; pending: number }
  | {
      ok: false;
      rows: number;
      firstBadSeq: number;
      problem: 'gap' | 'prev_hash' | 'hash' | 'unsealed' | 'truncated' | 'checkpoint_mismatch' | 'checkpoint_forged';
      detail: string;
    };

const BATCH = 5_000;

/**
 * Seals what has committed, walks the whole chain in position order, then holds it against the signed
 * checkpoints kept outside the database: those catch tail truncation and a chain recomputed by someone who can
 * write to the tables. Sequence numbers in the answer are chain positions.
 */
export async function verifyAudit(
  db: Db,
  store: CheckpointStore,
  onProgress?: (verified: number) => void,
): Promise<AuditVerification> {
  await sealAudit(db);
  let expected = { seq: 0, hash: GENESIS_HASH };
  let rows = 0;
  const hashAt = new Map<number, string>();
  const checkpoints = readCheckpoints(store);
  const wanted = new Set(checkpoints.map((c) => c.seq));
  for (;;) {
    const batch = await db
      .selectFrom('audit_seals as s')
      .leftJoin('audit_events as e', 'e.seq', 's.event_seq')
      .selectAll('e')
      .select(['s.position', 's.prev_hash', 's.hash'])
      .where('s.position', '>', String(expected.seq))
      .orderBy('s.position')
      .limit(BATCH)
      .execute();
    if (batch.length === 0) break;
    const removed = batch.find((r) => r.id === null);
    const chained = batch
      .slice(0, removed ? batch.indexOf(removed) : batch.length)
      .map((r) => ({ ...chainedEvent(r as AuditEventRow, Number(r.position), r.prev_hash), hash: r.hash })) satisfies Array<ChainedRow & { hash: string }>;
    const broken = findChainBreak(chained, expected) ?? (removed ? { seq: Number(removed.position), problem: 'gap' as const } : null);
    if (broken) {
      return { ok: false, rows, firstBadSeq: broken.seq, problem: broken.problem, detail: describe(broken.problem, broken.seq) };
    }
    for (const row of chained) if (wanted.has(row.seq)) hashAt.set(row.seq, row.hash);
    rows += chained.length;
    const last = chained.at(-1)!;
    expected = { seq: last.seq, hash: last.hash };
    onProgress?.(rows);
  }

  // Rows committed after the seal pass above are pending; a row of a transaction that had finished before the
  // sealer last looked can only have been slipped in behind its back.
  const unsealed = (
    await sql<{ pending: string; smuggled: string | null }>`
      select count(*) as pending, min(e.seq) filter (where e.xid < h.sealed_below) as smuggled
      from audit_events e cross join audit_chain_head h
      where not exists (select 1 from audit_seals s where s.event_seq = e.seq)`.execute(db)
  ).rows[0]!;
  if (unsealed.smuggled !== null) {
    const seq = Number(unsealed.smuggled);
    return { ok: false, rows, firstBadSeq: expected.seq + 1, problem: 'unsealed', detail: `event ${seq} was written outside the chain: it belongs to no seal` };
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
  return { ok: true, rows, headSeq: expected.seq, checkpoints: checkpoints.length, pending: Number(unsealed.pending) };
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
