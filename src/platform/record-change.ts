import { appendAudit } from './audit/append-audit.js';
import type { AuditedChange } from './audit/events.js';
import type { Trx } from './db/database.js';
import { emit } from './outbox/emit.js';
import type { UseCaseContext } from './use-case-context.js';

/**
 * Every mutation ends here: the outbox event and the audit row, in the mutation's transaction. The audit
 * append goes last because it takes the chain lock, which is then held only until commit.
 */
export async function recordChange(trx: Trx, ctx: UseCaseContext, change: AuditedChange): Promise<void> {
  await emit(trx, ctx, {
    type: change.event,
    aggregateType: change.entityType,
    aggregateId: change.entityId,
    payload: { before: change.before ?? null, after: change.after ?? null, reason: change.reason ?? null },
  });
  await appendAudit(trx, ctx, change);
}
