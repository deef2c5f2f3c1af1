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
export type PreCommitWrites = { audit: PendingAudit[]; outbox: OutboxRow[] };

const pendingByTransaction = new WeakMap<object, PreCommitWrites>();

/**
 * The audit rows and outbox events of a use-case transaction are written together just before it commits: the
 * audit chain lock is then held for the last moment only, and a use case that emits several events pays one
 * round trip for all of them instead of one each.
 */
export const collectPreCommitWritesIn = (trx: object) => {
  // Reentrant: a use case run inside another's transaction (a batch create that routes through
  // routeRecordsBatch) keeps the outer one's pending rows; the flush writes them all, in order.
  if (!pendingByTransaction.has(trx)) pendingByTransaction.set(trx, { audit: [], outbox: [] });
};
export const preCommitWritesOf = (trx: object) => pendingByTransaction.get(trx);

export function takePreCommitWrites(trx: object): PreCommitWrites {
  const pending = pendingByTransaction.get(trx) ?? { audit: [], outbox: [] };
  pendingByTransaction.delete(trx);
  return pending;
}
