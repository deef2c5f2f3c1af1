import type { UseCaseContext } from '../use-case-context.js';
import type { AuditedChange } from './events.js';

type Pending = { ctx: UseCaseContext; change: AuditedChange };
const pendingByTransaction = new WeakMap<object, Pending[]>();

/**
 * Audit rows of a use-case transaction are appended just before it commits: the chain lock is then held
 * for the last moment only, instead of from the first change to the end of the use case.
 */
export const deferAuditIn = (trx: object) => {
  // Reentrant: a use case run inside another's transaction (a batch create that routes through
  // routeRecordsBatch) keeps the outer one's pending rows; the first flush appends them all, in order.
  if (!pendingByTransaction.has(trx)) pendingByTransaction.set(trx, []);
};
export const deferredAuditOf = (trx: object) => pendingByTransaction.get(trx);

export function takeDeferredAudit(trx: object): Pending[] {
  const pending = pendingByTransaction.get(trx) ?? [];
  pendingByTransaction.delete(trx);
  return pending;
}
