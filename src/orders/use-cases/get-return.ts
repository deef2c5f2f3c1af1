import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { returnViews } from '../document-views.js';

export async function getReturn(ctx: UseCaseContext, id: string) {
  assertCan(ctx.actor, 'order.read');
  const row = await ctx.db.selectFrom('return_authorizations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('return');
  return (await returnViews(ctx.db, [row]))[0]!;
}
