import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type WorkflowGates, validateOverlay } from '../core/gates.js';
import type { CreateVariantInput } from '../schemas.js';
import { variantView } from '../variant-view.js';

/** Proposes a channel variant; the overlay may only add or tighten gates of the active standard. */
export async function createVariant(ctx: UseCaseContext, input: CreateVariantInput) {
  assertCan(ctx.actor, 'variant.manage');
  return inTransaction(ctx, async (trx) => {
    if (!(await trx.selectFrom('channels').select('id').where('id', '=', input.channelId).executeTakeFirst())) throw invalidField('channelId', 'no such channel');
    if (input.ownerId && !(await trx.selectFrom('users').select('id').where('id', '=', input.ownerId).where('partner_id', 'is', null).executeTakeFirst())) throw invalidField('ownerId', 'no such internal user');
    const standard = await trx.selectFrom('workflow_definitions').selectAll().where('status', '=', 'active').executeTakeFirstOrThrow();
    const overlay = input.overlay as WorkflowGates;
    const errors = validateOverlay(standard.gates as WorkflowGates, overlay);
    if (errors.length > 0) throw new AppError('validation_failed', 'A variant may only add gates or tighten the standard ones.', errors);
    const previous = await trx.selectFrom('workflow_variants').select((eb) => eb.fn.max('version').as('v')).where('channel_id', '=', input.channelId).executeTakeFirst();
    const row = await trx
      .insertInto('workflow_variants')
      .values({
        channel_id: input.channelId,
        version: Number(previous?.v ?? 0) + 1,
        base_version: standard.version,
        overlay: JSON.stringify(overlay),
        owner_id: input.ownerId ?? null,
        rationale: input.rationale ?? null,
        support_model: input.supportModel ?? null,
        review_by: input.reviewBy ?? null,
        created_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = variantView(row, standard.gates as WorkflowGates, null, ctx.clock.now());
    await recordChange(trx, ctx, { event: 'variant.created', entityType: 'workflow_variant', entityId: row.id, after: view });
    return view;
  });
}
