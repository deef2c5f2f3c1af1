import type { z } from 'zod';
import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateEscalationPolicySchema } from '../schemas.js';
import { escalationPolicyView } from '../views.js';

export async function createEscalationPolicy(ctx: UseCaseContext, input: z.infer<typeof CreateEscalationPolicySchema>) {
  assertCan(ctx.actor, 'routing.configure');
  return inTransaction(ctx, async (trx) => {
    if (await trx.selectFrom('escalation_policies').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase())).executeTakeFirst()) {
      throw new AppError('conflict', 'An escalation policy with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    const missing = [];
    for (const [i, step] of input.steps.entries()) {
      if (!step.target || step.target.type === 'manager') continue;
      const table = step.target.type === 'user' ? 'users' : step.target.type === 'pool' ? 'pools' : 'queues';
      if (!(await trx.selectFrom(table).select('id').where('id', '=', step.target.id).executeTakeFirst())) missing.push({ path: `steps[${i}].target.id`, message: `no such ${step.target.type}` });
    }
    if (missing.length) throw new AppError('validation_failed', missing[0]!.message, missing);
    const now = ctx.clock.now();
    const row = await trx.insertInto('escalation_policies').values({ name: input.name, steps: JSON.stringify(input.steps), created_at: now, updated_at: now }).returningAll().executeTakeFirstOrThrow();
    const view = escalationPolicyView(row);
    await recordChange(trx, ctx, { event: 'escalation_policy.created', entityType: 'escalation_policy', entityId: row.id, after: view });
    return view;
  });
}

export async function listEscalationPolicies(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'pool.read');
  return { items: (await ctx.db.selectFrom('escalation_policies').selectAll().orderBy('name').execute()).map(escalationPolicyView) };
}
