import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { checkPoolDefinition } from '../pool-checks.js';
import type { CreatePoolInput } from '../schemas.js';
import { type PoolView, poolView } from '../views.js';
import { memberRows } from './update-pool.js';

export async function createPool(ctx: UseCaseContext, input: CreatePoolInput): Promise<PoolView> {
  assertCan(ctx.actor, 'pool.manage');
  return inTransaction(ctx, async (trx) => {
    if (await trx.selectFrom('pools').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase())).executeTakeFirst()) {
      throw new AppError('conflict', 'A pool with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    await checkPoolDefinition(trx, null, input);
    const now = ctx.clock.now();
    const pool = await trx
      .insertInto('pools')
      .values({
        name: input.name,
        strategy: input.strategy,
        return_policy: input.returnPolicy ?? 'keep_position',
        use_skills: input.useSkills ?? false,
        respect_hours: input.respectHours ?? true,
        criteria_caps: JSON.stringify(input.criteriaCaps ?? []),
        fallback_type: input.fallback?.type ?? null,
        fallback_id: input.fallback?.id ?? null,
        fairness: JSON.stringify({ pointer: -1, members: {} }),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const members = input.members.length ? await trx.insertInto('pool_members').values(memberRows(pool.id, input.members)).returningAll().execute() : [];
    const view = poolView(pool, members);
    await recordChange(trx, ctx, { event: 'pool.created', entityType: 'pool', entityId: pool.id, after: view });
    return view;
  });
}
