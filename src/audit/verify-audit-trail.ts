import { assertCan } from '../platform/access/can.js';
import type { CheckpointStore } from '../platform/audit/checkpoints.js';
import { type AuditVerification, verifyAudit } from '../platform/audit/verify-audit.js';
import type { UseCaseContext } from '../platform/use-case-context.js';

export async function verifyAuditTrail(
  ctx: UseCaseContext,
  store: CheckpointStore,
  onProgress?: (verified: number) => void,
): Promise<AuditVerification> {
  assertCan(ctx.actor, 'audit.verify');
  return verifyAudit(ctx.db, store, onProgress);
}
