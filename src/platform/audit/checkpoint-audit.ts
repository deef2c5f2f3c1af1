import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { type Checkpoint, type CheckpointStore, writeCheckpoint } from './checkpoints.js';

/** Signs the current chain head into the checkpoint file (a no-op when nothing new was appended). */
export async function checkpointAudit(db: Db, store: CheckpointStore, clock: Clock): Promise<Checkpoint | null> {
  const head = await db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (!head) return null;
  return writeCheckpoint(store, { seq: Number(head.seq), hash: head.hash }, clock.now());
}
