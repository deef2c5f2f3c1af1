import { revokeUserSessions, revokeUserTokens } from '../../identity/store.js';
import { assertCan } from '../../platform/access/can.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type PartnerUserView, PARTNER_USER_COLUMNS, partnerUserView } from '../partner-store.js';
import { partnerScopeOf } from './list-partner-users.js';

/**
 * Portal: a partner admin deactivates a user of its own partner; sessions and tokens end in the same
 * transaction. Another partner's user, an internal user and a random id all answer the same 404.
 */
export async function deactivatePartnerUser(ctx: UseCaseContext, options: { userId: string; expectedVersion: number; reason: string }): Promise<PartnerUserView> {
  const partnerId = partnerScopeOf(ctx);
  assertCan(ctx.actor, 'portal.user.manage', { partnerId });
  return inTransaction(ctx, async (trx) => {
    // Found behind the partner wall first; then locked as the app role (the partner role cannot update users).
    const visible = await asPartner(trx, partnerId, (scoped) => scoped.selectFrom('users').select('id').where('id', '=', options.userId).executeTakeFirst());
    if (!visible) throw notFound('user');
    const current = await trx.selectFrom('users').select(PARTNER_USER_COLUMNS).where('id', '=', options.userId).where('partner_id', '=', partnerId).forUpdate().executeTakeFirst();
    if (!current) throw notFound('user');
    assertVersion(current.version, options.expectedVersion);
    if (ctx.actor.kind === 'user' && ctx.actor.userId === current.id) throw new AppError('rule_violation', 'You cannot deactivate yourself.');
    if (current.status === 'deactivated') throw new AppError('conflict', 'The user is already deactivated.');
    const now = ctx.clock.now();
    const row = await trx
      .updateTable('users')
      .set({ status: 'deactivated', deactivated_at: now, version: current.version + 1, updated_at: now })
      .where('id', '=', current.id)
      .returning(PARTNER_USER_COLUMNS)
      .executeTakeFirstOrThrow();
    await revokeUserSessions(trx, current.id, now, 'user_deactivated');
    await revokeUserTokens(trx, current.id, now);
    const after = partnerUserView(row);
    await recordChange(trx, ctx, { event: 'partner_user.deactivated', entityType: 'user', entityId: current.id, reason: options.reason, before: partnerUserView(current), after });
    return after;
  });
}
