import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type PartnerProductView, availableUnits, partnerProductView } from '../core/portal-projection.js';
import { asPartnerUser, findOwnPartner, listItems, stockLevelsOf, tierPriceBreaks } from '../portal-store.js';

/**
 * Shared product information for partners: items with their specs, the partner tier's prices (the best price
 * list whose tier is the partner tier's price tier, valid now, with its quantity breaks) and an availability
 * band instead of stock numbers.
 */
export async function listPortalProducts(
  ctx: UseCaseContext,
  query: { limit: number; cursor?: string; productLine?: string },
): Promise<Page<PartnerProductView>> {
  const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
  return asPartnerUser(ctx, 'portal.product.read', async (trx, partnerId) => {
    const partner = await findOwnPartner(trx, partnerId);
    if (!partner) throw notFound('partner');
    const items = await listItems(trx, { limit: query.limit, after, productLine: query.productLine });
    const ids = items.slice(0, query.limit).map((i) => i.id);
    const prices = await tierPriceBreaks(trx, partner.price_tier, ids, ctx.clock.now());
    const levels = await stockLevelsOf(trx, ids);
    const levelsOf = (id: string) => levels.filter((l) => l.item_id === id);
    return toPage(
      items,
      query.limit,
      (i) => partnerProductView(i, prices.get(i.id) ?? [], availableUnits(levelsOf(i.id))),
      (i) => [i.sku],
    );
  });
}
