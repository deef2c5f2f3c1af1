import { assertCan } from '../../platform/access/can.js';
import { invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { closeOwnership } from '../close-ownership.js';
import { handOffWonOpportunity } from '../../orders/use-cases/create-order-from-opportunity.js';
import { statusOfStage } from '../core/stages.js';
import type { UpdateOpportunitySchema } from '../schemas.js';
import { findAccount, findOpportunity, lockOpportunity } from '../store.js';
import { type OpportunityView, opportunityView } from '../views.js';
import { type RoutingDecision, routeOnStageChange } from './route-record.js';
import type { z } from 'zod';

/**
 * A stage change is recorded in the stage history and re-routes the opportunity (rules may use
 * `changedTo`); Won and Lost close its ownership instead.
 */
export async function updateOpportunity(
  ctx: UseCaseContext,
  options: { opportunityId: string; expectedVersion: number; changes: z.infer<typeof UpdateOpportunitySchema> },
): Promise<OpportunityView & { assignment: RoutingDecision | null }> {
  assertCan(ctx.actor, 'record.write');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    const current = await lockOpportunity(trx, options.opportunityId);
    if (!current) throw notFound('opportunity');
    assertVersion(current.version, options.expectedVersion);
    if (changes.accountId && !(await findAccount(trx, changes.accountId))) throw invalidField('accountId', 'no such account');
    const now = ctx.clock.now();
    const stageChanged = changes.stage !== undefined && changes.stage !== current.stage;
    if (stageChanged && current.status !== 'open') throw invalidField('stage', `the opportunity is already ${current.status}`);
    const row = await trx
      .updateTable('opportunities')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.accountId !== undefined && { account_id: changes.accountId }),
        ...(stageChanged && { stage: changes.stage, stage_changed_at: now, status: statusOfStage(changes.stage!) }),
        ...(changes.amount !== undefined && { amount: changes.amount }),
        ...(changes.currency !== undefined && { currency: changes.currency }),
        ...(changes.product !== undefined && { product: changes.product }),
        ...(changes.productLine !== undefined && { product_line: changes.productLine }),
        ...(changes.region !== undefined && { region: changes.region }),
        ...(changes.closeDate !== undefined && { close_date: changes.closeDate }),
        ...(changes.attributes !== undefined && { attributes: JSON.stringify(changes.attributes) }),
        version: current.version + 1,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = opportunityView(row);
    if (!stageChanged) {
      await recordChange(trx, ctx, { event: 'opportunity.updated', entityType: 'opportunity', entityId: row.id, reason: reason ?? null, before: opportunityView(current), after });
      return { ...after, assignment: null };
    }
    await trx.insertInto('stage_history').values({ opportunity_id: row.id, from_stage: current.stage, to_stage: row.stage, changed_at: now, actor_id: actorOf(ctx).id }).execute();
    await recordChange(trx, ctx, { event: 'opportunity.stage_changed', entityType: 'opportunity', entityId: row.id, reason: reason ?? null, before: opportunityView(current), after });
    if (row.status !== 'open') {
      await closeOwnership(trx, ctx, 'opportunity', row.id, `opportunity ${row.status}`);
      // Won work continues as a quote carrying the same owner, in the same transaction.
      if (row.status === 'won') await handOffWonOpportunity(trx, ctx, row.id);
      return { ...after, assignment: null };
    }
    const assignment = await routeOnStageChange(trx, ctx, { recordId: row.id, previous: { stage: current.stage } });
    return { ...opportunityView((await findOpportunity(trx, row.id))!), assignment };
  });
}
