import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findUserById } from '../store.js';
import { type UserView, userView } from '../views.js';

/** The signed-in user's own profile; needs no permission beyond being signed in. */
export async function getMe(ctx: UseCaseContext): Promise<UserView> {
  if (ctx.actor.kind !== 'user') throw new AppError('unauthenticated');
  const row = await findUserById(ctx.db, ctx.actor.userId);
  if (!row) throw new AppError('unauthenticated');
  return userView(row);
}
