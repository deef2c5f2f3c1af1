import { appendAuditBatch } from './audit/append-audit.js';
import type { AuditedChange } from './audit/events.js';
import type { Trx } from './db/database.js';
import { emitMany } from './outbox/emit.js';
import { preCommitWritesOf } from './pre-commit.js';
import type { UseCaseContext } from './use-case-context.js';

const outboxEventOf = (change: AuditedChange) => ({
  type: change.event,
  aggregateType: change.entityType,
  aggregateId: change.entityId,
  payload: { before: change.before ?? null, after: change.after ?? null, reason: change.reason ?? null },
});

/**
 * Every mutation ends here: the outbox event and the audit row, in the mutation's transaction. Inside
 * `inTransaction` both are written just before commit (see pre-commit.ts), because the audit append takes the
 * chain lock.
 */
export async function recordChange(trx: Trx, ctx: UseCaseContext, change: AuditedChange): Promise<void> {
  await recordChanges(trx, ctx, [change]);
}

/** The same for many changes at once: one outbox insert and one audit append per chunk. */
export async function recordChanges(trx: Trx, ctx: UseCaseContext, changes: AuditedChange[]): Promise<void> {
  if (changes.length === 0) return;
  await emitMany(trx, ctx, changes.map(outboxEventOf));
  const pending = preCommitWritesOf(trx);
  if (pending) pending.audit.push(...changes.map((change) => ({ ctx, change })));
  else await appendAuditBatch(trx, ctx, changes);
}
