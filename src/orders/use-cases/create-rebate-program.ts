import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateRebateProgramInput } from '../schemas.js';

export async function createRebateProgram(ctx: UseCaseContext, input: CreateRebateProgramInput): Promise<{ id: string; name: string; rateBp: number }> {
  assertCan(ctx.actor, 'order.configure');
  return inTransaction(ctx, async (trx) => {
    if (input.accountId && !(await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).executeTakeFirst())) throw invalidField('accountId', 'no such account');
    const row = await trx
      .insertInto('rebate_programs')
      .values({ name: input.name, tier: input.tier ?? null, account_id: input.accountId ?? null, rate_bp: input.rateBp, valid_from: input.validFrom, valid_to: input.validTo ?? null, created_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = { id: row.id, name: row.name, rateBp: row.rate_bp };
    await recordChange(trx, ctx, { event: 'rebate_program.created', entityType: 'rebate_program', entityId: row.id, after: view });
    return view;
  });
}
