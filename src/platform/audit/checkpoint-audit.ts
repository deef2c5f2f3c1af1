import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { type Checkpoint, type CheckpointStore, writeCheckpoint } from './checkpoints.js';
import { sealAudit } from './seal-audit.js';

/** Seals what has committed and signs the chain head into the checkpoint file (a no-op when nothing new was sealed). */
export async function checkpointAudit(db: Db, store: CheckpointStore, clock: Clock): Promise<Checkpoint | null> {
  await sealAudit(db);
  const head = await db.selectFrom('audit_seals').select(['position', 'hash']).orderBy('position', 'desc').limit(1).executeTakeFirst();
  if (!head) return null;
  return writeCheckpoint(store, { seq: Number(head.position), hash: head.hash }, clock.now());
}
