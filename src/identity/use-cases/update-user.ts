import { assertCan } from '../../platform/access/can.js';
import { isPartnerRole } from '../../platform/access/permissions.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { hashPassword } from '../passwords.js';
import type { UpdateUserInput } from '../schemas.js';
import { countActiveAdmins, findCalendarById, findTeamById, lockUserById, revokeUserSessions } from '../store.js';
import { type UserView, userView } from '../views.js';

export async function updateUser(
  ctx: UseCaseContext,
  options: { userId: string; expectedVersion: number; changes: UpdateUserInput },
): Promise<UserView> {
  assertCan(ctx.actor, 'user.manage');
  const { changes } = options;
  const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
  return inTransaction(ctx, async (trx) => {
    const current = await lockUserById(trx, options.userId);
    if (!current) throw notFound('user');
    assertCan(ctx.actor, 'user.manage', { partnerId: current.partner_id });
    assertVersion(current.version, options.expectedVersion);
    if (changes.role && isPartnerRole(changes.role) !== isPartnerRole(current.role)) {
      throw invalidField('role', 'cannot move a user between internal and partner roles');
    }
    if (current.role === 'admin' && changes.role && changes.role !== 'admin' && current.status === 'active' && (await countActiveAdmins(trx)) <= 1) {
      throw new AppError('rule_violation', 'Baton needs at least one active admin.');
    }
    if (changes.teamId && !(await findTeamById(trx, changes.teamId))) throw invalidField('teamId', 'no such team');
    if (changes.calendarId && !(await findCalendarById(trx, changes.calendarId))) throw invalidField('calendarId', 'no such calendar');
    const row = await trx
      .updateTable('users')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.teamId !== undefined && { team_id: changes.teamId }),
        ...(changes.calendarId !== undefined && { calendar_id: changes.calendarId }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // A new role or password must not ride on sessions opened under the old one.
    if (changes.role !== undefined || passwordHash !== undefined) {
      await revokeUserSessions(trx, current.id, ctx.clock.now(), passwordHash ? 'password_changed' : 'role_changed');
    }
    const before = userView(current);
    const after = userView(row);
    await recordChange(trx, ctx, {
      event: passwordHash && Object.keys(changes).every((k) => k === 'password' || k === 'reason') ? 'user.password_changed' : 'user.updated',
      entityType: 'user',
      entityId: row.id,
      reason: changes.reason ?? null,
      before,
      after,
    });
    return after;
  });
}
