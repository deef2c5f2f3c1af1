import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateProductLineInput } from '../schemas/partners.js';
import { type ProductLineView, productLineView } from './list-product-lines.js';

export async function createProductLine(ctx: UseCaseContext, input: CreateProductLineInput): Promise<ProductLineView> {
  assertCan(ctx.actor, 'channel.configure');
  return inTransaction(ctx, async (trx) => {
    const row = await trx
      .insertInto('product_lines')
      .values({ code: input.code, name: input.name, description: input.description ?? null, created_at: ctx.clock.now() })
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('conflict', 'A product line with this code exists.', [{ path: 'code', message: 'already in use' }]);
    const view = productLineView(row);
    await recordChange(trx, ctx, { event: 'product_line.created', entityType: 'product_line', entityId: row.code, after: view });
    return view;
  });
}
