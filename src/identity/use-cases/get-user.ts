import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findUserById } from '../store.js';
import { type UserView, userView } from '../views.js';

export async function getUser(ctx: UseCaseContext, userId: string): Promise<UserView> {
  assertCan(ctx.actor, 'user.read');
  const row = await findUserById(ctx.db, userId);
  if (!row) throw notFound('user');
  assertCan(ctx.actor, 'user.read', { partnerId: row.partner_id });
  return userView(row);
}
