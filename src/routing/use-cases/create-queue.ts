import type { z } from 'zod';
import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateQueueSchema } from '../schemas.js';
import { findPerson } from '../store.js';
import { queueView } from '../views.js';

export async function createQueue(ctx: UseCaseContext, input: z.infer<typeof CreateQueueSchema>) {
  assertCan(ctx.actor, 'routing.configure');
  return inTransaction(ctx, async (trx) => {
    const owner = await findPerson(trx, input.ownerId);
    if (!owner || owner.status !== 'active' || owner.partnerId !== null) throw invalidField('ownerId', 'no such active internal user');
    if (await trx.selectFrom('queues').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase())).executeTakeFirst()) {
      throw new AppError('conflict', 'A queue with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    const now = ctx.clock.now();
    const row = await trx.insertInto('queues').values({ name: input.name, owner_id: input.ownerId, description: input.description ?? null, created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    const view = queueView(row);
    await recordChange(trx, ctx, { event: 'queue.created', entityType: 'queue', entityId: row.id, after: view });
    return view;
  });
}

export async function listQueues(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'pool.read');
  return { items: (await ctx.db.selectFrom('queues').selectAll().orderBy('name').execute()).map(queueView) };
}
