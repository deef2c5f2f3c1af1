import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type OwnPartnerView, ownPartnerView } from '../core/portal-projection.js';
import { asPartnerUser, countActiveRegistrations, findOwnPartner } from '../portal-store.js';

/** The caller's own partner: name, tier, territory, registration cap and how much of it is in use. */
export async function getOwnPartner(ctx: UseCaseContext): Promise<OwnPartnerView> {
  return asPartnerUser(ctx, 'portal.registration.read', async (trx, partnerId) => {
    const partner = await findOwnPartner(trx, partnerId);
    if (!partner) throw notFound('partner');
    const active = await countActiveRegistrations(trx, partnerId);
    return ownPartnerView(partner, { name: partner.tier_name, registration_cap: partner.tier_cap }, active);
  });
}
