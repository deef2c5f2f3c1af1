import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

export type PartnerTierView = { code: string; name: string; rank: number; registrationCap: number; priceTier: string };

export async function listPartnerTiers(ctx: UseCaseContext): Promise<{ items: PartnerTierView[] }> {
  assertCan(ctx.actor, 'partner.read');
  const rows = await ctx.db.selectFrom('partner_tiers').selectAll().orderBy('rank').execute();
  return { items: rows.map((t) => ({ code: t.code, name: t.name, rank: t.rank, registrationCap: t.registration_cap, priceTier: t.price_tier })) };
}
