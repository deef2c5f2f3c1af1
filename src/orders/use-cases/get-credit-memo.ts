import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { creditMemoViews } from '../document-views.js';

export async function getCreditMemo(ctx: UseCaseContext, id: string) {
  assertCan(ctx.actor, 'order.read');
  const row = await ctx.db.selectFrom('credit_memos').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credit memo');
  return (await creditMemoViews(ctx.db, [row]))[0]!;
}
