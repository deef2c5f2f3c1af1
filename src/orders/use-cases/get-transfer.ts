import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { transferViews } from '../document-views.js';

export async function getTransfer(ctx: UseCaseContext, id: string) {
  assertCan(ctx.actor, 'order.read');
  const row = await ctx.db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('transfer');
  return (await transferViews(ctx.db, [row]))[0]!;
}
