import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';

export type PartnerView = { id: string; name: string; status: string; version: number };

/** The minimal partner needed so partner users can exist; the channel feature extends it. */
export async function createPartner(ctx: UseCaseContext, input: { name: string }): Promise<PartnerView> {
  assertCan(ctx.actor, 'partner.manage');
  return inTransaction(ctx, async (trx) => {
    const taken = await trx
      .selectFrom('partners')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase()))
      .executeTakeFirst();
    if (taken) throw new AppError('conflict', 'A partner with this name exists.', [{ path: 'name', message: 'already in use' }]);
    const row = await trx.insertInto('partners').values({ name: input.name }).returningAll().executeTakeFirstOrThrow();
    const view = { id: row.id, name: row.name, status: row.status, version: row.version };
    await recordChange(trx, ctx, { event: 'partner.created', entityType: 'partner', entityId: row.id, after: view });
    return view;
  });
}
