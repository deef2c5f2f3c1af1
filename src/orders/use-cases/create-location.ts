import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateLocationInput } from '../schemas.js';
import { type LocationView, locationView } from '../views.js';

export async function createLocation(ctx: UseCaseContext, input: CreateLocationInput): Promise<LocationView> {
  assertCan(ctx.actor, 'stock.manage');
  return inTransaction(ctx, async (trx) => {
    if (await trx.selectFrom('locations').select('id').where('code', '=', input.code).executeTakeFirst()) throw new AppError('conflict', 'A location with this code exists.', [{ path: 'code', message: 'already in use' }]);
    const row = await trx.insertInto('locations').values({ code: input.code, name: input.name, kind: input.kind, region: input.region ?? null, created_at: ctx.clock.now() }).returningAll().executeTakeFirstOrThrow();
    const view = locationView(row);
    await recordChange(trx, ctx, { event: 'location.created', entityType: 'location', entityId: row.id, after: view });
    return view;
  });
}
