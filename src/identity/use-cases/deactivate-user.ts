import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { countOpenWork, rerouteOpenWork } from '../../routing/use-cases/reroute-open-work.js';
import { countActiveAdmins, lockUserById, revokeUserSessions, revokeUserTokens } from '../store.js';
import { type UserView, userView } from '../views.js';

/**
 * Deactivation ends every session and token of the user in the same transaction. A user who still owns
 * open records is refused unless the caller asks for their work to be re-routed in the same operation.
 */
export async function deactivateUser(
  ctx: UseCaseContext,
  options: { userId: string; expectedVersion: number; reason: string; rerouteOpenWork?: boolean },
): Promise<UserView> {
  assertCan(ctx.actor, 'user.manage');
  return inTransaction(ctx, async (trx) => {
    const current = await lockUserById(trx, options.userId);
    if (!current) throw notFound('user');
    assertCan(ctx.actor, 'user.manage', { partnerId: current.partner_id });
    assertVersion(current.version, options.expectedVersion);
    if (current.status === 'deactivated') throw new AppError('conflict', 'The user is already deactivated.');
    if (ctx.actor.kind === 'user' && ctx.actor.userId === current.id) throw new AppError('rule_violation', 'You cannot deactivate yourself.');
    if (current.role === 'admin' && (await countActiveAdmins(trx)) <= 1) throw new AppError('rule_violation', 'Baton needs at least one active admin.');
    const openWork = await countOpenWork(trx, current.id);
    if (openWork > 0 && !options.rerouteOpenWork) {
      throw new AppError('rule_violation', `The user owns ${openWork} open records. Re-route them in the same step (rerouteOpenWork: true) or reassign them first.`, [
        { path: 'rerouteOpenWork', message: `required: the user owns ${openWork} open records` },
      ]);
    }
    const now = ctx.clock.now();
    const row = await trx
      .updateTable('users')
      .set({ status: 'deactivated', deactivated_at: now, version: current.version + 1, updated_at: now })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await revokeUserSessions(trx, current.id, now, 'user_deactivated');
    await revokeUserTokens(trx, current.id, now);
    if (openWork > 0) await rerouteOpenWork(trx, ctx, current.id, options.reason);
    const after = userView(row);
    await recordChange(trx, ctx, { event: 'user.deactivated', entityType: 'user', entityId: row.id, reason: options.reason, before: userView(current), after });
    return after;
  });
}
