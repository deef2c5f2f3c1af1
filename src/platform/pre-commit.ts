import type { RawBuilder } from 'kysely';
import type { AuditedChange } from './audit/events.js';
import type { UseCaseContext } from './use-case-context.js';

export type PendingAudit = { ctx: UseCaseContext; change: AuditedChange };
export type OutboxRow = {
  occurred_at: Date;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: string;
  actor_id: string | null;
  request_id: string | null;
};
/**
 * A conditional write that must hit exactly `rows` rows for the transaction to commit — e.g. a counter update
 * `… WHERE available >= q` that doubles as the lock on a hot row. Deferred into the final statement, so the row it
 * locks is held only for that statement and the commit; on a miss, `miss()` is thrown and everything rolls back.
 */
export type CommitGuard = { statement: RawBuilder<unknown>; rows: number; miss: () => Error };
export type PreCommitWrites = { audit: PendingAudit[]; outbox: OutboxRow[]; guards: CommitGuard[] };

const pendingByTransaction = new WeakMap<object, PreCommitWrites>();

/**
 * The audit rows, outbox events and commit guards of a use-case transaction are written together just before it
 * commits: a use case that emits several events pays one round trip for all of them instead of one each, and a
 * guarded hot row is locked for the last statement only.
 */
export const collectPreCommitWritesIn = (trx: object) => {
  // Reentrant: a use case run inside another's transaction (a batch create that routes through
  // routeRecordsBatch) keeps the outer one's pending rows; the flush writes them all, in order.
  if (!pendingByTransaction.has(trx)) pendingByTransaction.set(trx, { audit: [], outbox: [], guards: [] });
};
export const preCommitWritesOf = (trx: object) => pendingByTransaction.get(trx);

export function takePreCommitWrites(trx: object): PreCommitWrites {
  const pending = pendingByTransaction.get(trx) ?? { audit: [], outbox: [], guards: [] };
  pendingByTransaction.delete(trx);
  return pending;
}

/** Defers a guarded write to the transaction's final statement (inside `inTransaction` only). */
export function guardAtCommit(trx: object, guard: CommitGuard): void {
  const pending = pendingByTransaction.get(trx);
  if (!pending) throw new Error('guardAtCommit needs a transaction opened by inTransaction');
  pending.guards.push(guard);
}
