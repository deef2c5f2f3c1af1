import { assertCan } from '../../platform/access/can.js';
import { isPartnerRole } from '../../platform/access/permissions.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { hashPassword } from '../passwords.js';
import type { CreateUserInput } from '../schemas.js';
import { emailTaken, findCalendarById, findPartnerById, findTeamById } from '../store.js';
import { type UserView, userView } from '../views.js';

export async function createUser(ctx: UseCaseContext, input: CreateUserInput): Promise<UserView> {
  assertCan(ctx.actor, 'user.manage', { partnerId: input.partnerId ?? null });
  if (isPartnerRole(input.role) !== (input.partnerId !== undefined)) {
    throw invalidField('partnerId', isPartnerRole(input.role) ? 'required for partner roles' : 'only partner users belong to a partner');
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (trx) => {
    if (await emailTaken(trx, input.email)) throw new AppError('conflict', 'A user with this email already exists.', [{ path: 'email', message: 'already in use' }]);
    if (input.teamId && !(await findTeamById(trx, input.teamId))) throw invalidField('teamId', 'no such team');
    if (input.calendarId && !(await findCalendarById(trx, input.calendarId))) throw invalidField('calendarId', 'no such calendar');
    if (input.partnerId && !(await findPartnerById(trx, input.partnerId))) throw invalidField('partnerId', 'no such partner');
    const row = await trx
      .insertInto('users')
      .values({
        email: input.email,
        name: input.name,
        role: input.role,
        team_id: input.teamId ?? null,
        calendar_id: input.calendarId ?? null,
        partner_id: input.partnerId ?? null,
        password_hash: passwordHash,
        deactivated_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = userView(row);
    await recordChange(trx, ctx, { event: 'user.created', entityType: 'user', entityId: row.id, after: view });
    return view;
  });
}
