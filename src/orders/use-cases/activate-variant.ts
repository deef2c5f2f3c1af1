import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { actorOf, type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type WorkflowGates, activationErrors } from '../core/gates.js';
import { variantView } from '../variant-view.js';

/** Activation needs owner, rationale, support model and a future review date; it retires the channel's previous variant. */
export async function activateVariant(ctx: UseCaseContext, variantId: string) {
  assertCan(ctx.actor, 'variant.manage');
  return inTransaction(ctx, async (trx) => {
    const v = await trx.selectFrom('workflow_variants').selectAll().where('id', '=', variantId).forUpdate().executeTakeFirst();
    if (!v) throw notFound('variant');
    if (v.status !== 'proposed') throw new AppError('conflict', `This variant is ${v.status}.`);
    const now = ctx.clock.now();
    const errors = activationErrors({ ownerId: v.owner_id, rationale: v.rationale, supportModel: v.support_model, reviewBy: v.review_by }, now);
    if (errors.length > 0) throw new AppError('rule_violation', 'This variant cannot be activated yet.', errors);
    await trx.updateTable('workflow_variants').set({ status: 'retired' }).where('channel_id', '=', v.channel_id).where('status', '=', 'active').execute();
    const row = await trx.updateTable('workflow_variants').set({ status: 'active', activated_at: now, activated_by: actorOf(ctx).id }).where('id', '=', v.id).returningAll().executeTakeFirstOrThrow();
    const standard = await trx.selectFrom('workflow_definitions').selectAll().where('version', '=', v.base_version).executeTakeFirstOrThrow();
    const view = variantView(row, standard.gates as WorkflowGates, null, now);
    await recordChange(trx, ctx, { event: 'variant.activated', entityType: 'workflow_variant', entityId: v.id, before: { status: v.status }, after: view });
    return view;
  });
}
