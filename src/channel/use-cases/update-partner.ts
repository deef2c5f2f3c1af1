import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type PartnerView, isEligibleChannelManager, lockPartner, partnerNameTaken, readPartner, tierExists } from '../partner-store.js';
import type { UpdatePartnerInput } from '../schemas/partners.js';

export async function updatePartner(ctx: UseCaseContext, options: { partnerId: string; expectedVersion: number; changes: UpdatePartnerInput }): Promise<PartnerView> {
  assertCan(ctx.actor, 'partner.manage');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    const current = await lockPartner(trx, options.partnerId);
    if (!current) throw notFound('partner');
    assertVersion(current.version, options.expectedVersion);
    if (changes.name !== undefined && (await partnerNameTaken(trx, changes.name, current.id))) {
      throw new AppError('conflict', 'A partner with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    if (changes.tier !== undefined && !(await tierExists(trx, changes.tier))) throw invalidField('tier', 'no such tier');
    if (changes.channelManagerId && changes.channelManagerId !== current.channel_manager_id && !(await isEligibleChannelManager(trx, changes.channelManagerId))) {
      throw invalidField('channelManagerId', 'must be an active channel manager or admin');
    }
    const before = (await readPartner(trx, current.id))!;
    await trx
      .updateTable('partners')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.tier !== undefined && { tier: changes.tier }),
        ...(changes.territory !== undefined && { territory: changes.territory }),
        ...(changes.domains !== undefined && { domains: changes.domains }),
        ...(changes.status !== undefined && { status: changes.status }),
        ...(changes.channelManagerId !== undefined && { channel_manager_id: changes.channelManagerId }),
        ...(changes.registrationCap !== undefined && { registration_cap: changes.registrationCap }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .execute();
    const after = (await readPartner(trx, current.id))!;
    await recordChange(trx, ctx, { event: 'partner.updated', entityType: 'partner', entityId: current.id, reason: reason ?? null, before, after });
    return after;
  });
}
