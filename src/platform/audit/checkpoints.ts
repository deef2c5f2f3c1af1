import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';

/** A signed statement "the chain's row `seq` had hash `hash`", each one signing the previous signature too. */
const CheckpointSchema = z.object({
  seq: z.number().int().positive(),
  hash: z.string(),
  at: z.string(),
  prevSignature: z.string().nullable(),
  signature: z.string(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export type CheckpointStore = { file: string; signingKey: string; verifyKey: string };

export function checkpointStore(dataDir: string, database: string, keys: { signingKey: string; verifyKey: string }) {
  return { file: path.join(dataDir, `audit-checkpoints.${database}.jsonl`), ...keys } satisfies CheckpointStore;
}

const signedBytes = (c: Omit<Checkpoint, 'signature'>) => Buffer.from(canonicalJson(c));

export function readCheckpoints(store: CheckpointStore): Checkpoint[] {
  if (!fs.existsSync(store.file)) return [];
  return fs
    .readFileSync(store.file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => CheckpointSchema.parse(JSON.parse(line)));
}

/** Appends a checkpoint unless the newest one already covers `seq`. */
export function writeCheckpoint(store: CheckpointStore, head: { seq: number; hash: string }, at: Date): Checkpoint | null {
  const existing = readCheckpoints(store);
  const last = existing.at(-1);
  if (last && last.seq >= head.seq) return null;
  const unsigned = { seq: head.seq, hash: head.hash, at: at.toISOString(), prevSignature: last?.signature ?? null };
  const signature = sign(null, signedBytes(unsigned), createPrivateKey(store.signingKey)).toString('base64');
  const checkpoint = { ...unsigned, signature };
  fs.mkdirSync(path.dirname(store.file), { recursive: true });
  fs.appendFileSync(store.file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o600 });
  return checkpoint;
}

/** Index of the first checkpoint whose signature or link is wrong, or -1. */
export function firstForgedCheckpoint(checkpoints: Checkpoint[], verifyKey: string): number {
  const key = createPublicKey(verifyKey);
  return checkpoints.findIndex((c, i) => {
    const { signature, ...unsigned } = c;
    const linked = c.prevSignature === (i === 0 ? null : checkpoints[i - 1]!.signature);
    const ordered = i === 0 || c.seq > checkpoints[i - 1]!.seq;
    return !linked || !ordered || !verify(null, signedBytes(unsigned), key, Buffer.from(signature, 'base64'));
  });
}
