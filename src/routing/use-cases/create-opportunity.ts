import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import type { CreateOpportunityInput } from '../schemas.js';
import { opportunityRow } from '../record-rows.js';
import { findAccount, findOpportunity } from '../store.js';
import { type OpportunityView, opportunityView } from '../views.js';
import { type RoutingDecision, routeRecord } from './route-record.js';

export async function createOpportunity(
  ctx: UseCaseContext,
  input: CreateOpportunityInput,
): Promise<OpportunityView & { assignment: RoutingDecision }> {
  assertCan(ctx.actor, 'record.write');
  return inTransaction(ctx, async (trx) => {
    const account = input.accountId ? await findAccount(trx, input.accountId) : null;
    if (input.accountId && !account) throw invalidField('accountId', 'no such account');
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('opportunities')
      .values(opportunityRow(input, account?.region ?? null, now))
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('stage_history')
      .values({ opportunity_id: row.id, from_stage: null, to_stage: row.stage, changed_at: now, actor_id: actorOf(ctx).id })
      .execute();
    await recordChange(trx, ctx, {
      event: 'opportunity.created',
      entityType: 'opportunity',
      entityId: row.id,
      after: opportunityView(row),
    });
    const assignment = await routeRecord(trx, ctx, { recordType: 'opportunity', recordId: row.id, previous: { stage: null } });
    return { ...opportunityView((await findOpportunity(trx, row.id))!), assignment };
  });
}
