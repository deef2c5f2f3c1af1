import { assertCan } from '../../platform/access/can.js';
import { isPartnerRole } from '../../platform/access/permissions.js';
import type { AuditEventName } from '../../platform/audit/events.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { hashPassword } from '../passwords.js';
import type { CreateUserInput } from '../schemas.js';
import { emailTaken, findCalendarById, findPartnerById, findTeamById } from '../store.js';
import { type UserView, userView } from '../views.js';

export async function createUser(ctx: UseCaseContext, input: CreateUserInput): Promise<UserView> {
  assertCan(ctx.actor, 'user.manage', { partnerId: input.partnerId ?? null });
  const passwordHash = await passwordHashFor(input.password);
  return inTransaction(ctx, (trx) => insertUser(trx, ctx, input, passwordHash));
}

/** Hash outside the transaction (it is slow on purpose); no password → no password sign-in. */
export const passwordHashFor = async (password: string | undefined) => (password ? hashPassword(password) : null);

/**
 * The one write path for a new user, shared with features that create users under their own permission
 * (partner users from the channel feature): checks, insert, audit — in the caller's transaction. The caller
 * has checked who may do this.
 */
export async function insertUser(
  trx: Trx,
  ctx: UseCaseContext,
  input: CreateUserInput,
  passwordHash: string | null,
  event: AuditEventName = 'user.created',
): Promise<UserView> {
  if (isPartnerRole(input.role) !== (input.partnerId !== undefined)) {
    throw invalidField('partnerId', isPartnerRole(input.role) ? 'required for partner roles' : 'only partner users belong to a partner');
  }
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
  await recordChange(trx, ctx, { event, entityType: 'user', entityId: row.id, after: view });
  return view;
}
