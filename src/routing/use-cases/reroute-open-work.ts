import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { appendAssignment } from '../append-assignment.js';
import { isRoutableType } from '../core/record-types.js';
import { teamManagerOf } from '../store.js';
import { lockSubject } from '../subjects.js';
import { routeRecord } from './route-record.js';

export const countOpenWork = async (trx: Trx, userId: string) =>
  Number((await trx.selectFrom('assignments').select((eb) => eb.fn.countAll<string>().as('n')).where('owner_id', '=', userId).where('closed_at', 'is', null).executeTakeFirstOrThrow()).n);

/**
 * Called while deactivating a user, after they were marked inactive in the same transaction: every open
 * record they own is routed again (they are no longer eligible anywhere); what routing cannot place goes to
 * their manager. If even that is impossible, the whole deactivation is refused — nobody ends ownerless.
 */
export async function rerouteOpenWork(trx: Trx, ctx: UseCaseContext, userId: string, why: string): Promise<{ rerouted: number; toManager: number }> {
  const open = await trx.selectFrom('assignments').select(['record_type', 'record_id']).where('owner_id', '=', userId).where('closed_at', 'is', null).orderBy('created_at').execute();
  const manager = await teamManagerOf(trx, userId);
  let toManager = 0;
  for (const a of open) {
    if (!isRoutableType(a.record_type)) throw new AppError('rule_violation', `Records of type ${a.record_type} must be handed over before deactivating.`);
    const decision = await routeRecord(trx, ctx, { recordType: a.record_type, recordId: a.record_id });
    if (decision.outcome !== 'unassigned' && decision.ownerId !== userId) continue;
    if (!manager || manager === userId) throw new AppError('rule_violation', 'Some open records cannot be re-routed and the user has no manager to take them; reassign them first.');
    const subject = await lockSubject(trx, a.record_type, a.record_id, ctx.clock.now());
    await appendAssignment(trx, ctx, {
      recordType: a.record_type,
      recordId: a.record_id,
      ownerId: manager,
      source: 'escalation',
      reasonCode: 'owner_deactivated',
      reason: `previous owner deactivated: ${why}`,
      explanation: { deactivated: { userId, routing: decision.reasonCode } },
      title: subject?.title ?? a.record_type,
    });
    toManager += 1;
  }
  return { rerouted: open.length - toManager, toManager };
}
