import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type PartnerView, isEligibleChannelManager, partnerNameTaken, readPartner, tierExists } from '../partner-store.js';
import type { CreatePartnerInput } from '../schemas/partners.js';

export type { PartnerView };

/** A distributor: tier (its cap and prices), territory, channel manager, status, optional cap override, domains. */
export async function createPartner(ctx: UseCaseContext, input: CreatePartnerInput): Promise<PartnerView> {
  assertCan(ctx.actor, 'partner.manage');
  return inTransaction(ctx, async (trx) => {
    if (await partnerNameTaken(trx, input.name)) throw new AppError('conflict', 'A partner with this name exists.', [{ path: 'name', message: 'already in use' }]);
    if (input.tier !== undefined && !(await tierExists(trx, input.tier))) throw invalidField('tier', 'no such tier');
    if (input.channelManagerId && !(await isEligibleChannelManager(trx, input.channelManagerId))) {
      throw invalidField('channelManagerId', 'must be an active channel manager or admin');
    }
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('partners')
      .values({
        name: input.name,
        ...(input.tier !== undefined && { tier: input.tier }),
        ...(input.territory !== undefined && { territory: input.territory }),
        ...(input.domains !== undefined && { domains: input.domains }),
        ...(input.status !== undefined && { status: input.status }),
        channel_manager_id: input.channelManagerId ?? null,
        registration_cap: input.registrationCap ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const view = (await readPartner(trx, row.id))!;
    await recordChange(trx, ctx, { event: 'partner.created', entityType: 'partner', entityId: row.id, after: view });
    return view;
  });
}
